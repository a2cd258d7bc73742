using System.Globalization;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.IntegrationTests.Synthetic;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Crm;
using ClosedLoop.Lake.Loading;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.IntegrationTests.Attribution;

/// <summary>
/// The generator plants a conversion lift per channel (<c>truth/channel_lift.csv</c>): persons exposed to a
/// channel become leads more often. A data-driven model should find that order in the credit it gives per
/// exposed person.
/// </summary>
public sealed class PlantedLiftTests : IDisposable
{
    private readonly TestLake _lake = new();
    private readonly GeneratedDataSet _data = new(200_000, 5);

    public void Dispose()
    {
        _lake.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Shapley_ranks_channels_in_the_order_of_the_planted_lift()
    {
        await new EventLoader(_lake.Layout, new EventEnricher(new EnrichmentOptions())).LoadAsync([_data.PathOf("events.ndjson")]);
        await CrmLoader.LoadAsync(_lake.Layout, CrmTable.Contacts, _data.PathOf("contacts.csv"), CancellationToken.None);
        new IdentityStitcher(_lake.Layout, new StitchOptions()).Run();
        using (AttributionRun.Start(_lake.Layout, new AttributionRequest { ConversionType = "lead", Models = ["shapley"] }))
        {
        }

        var planted = File.ReadLines(_data.PathOf("truth/channel_lift.csv")).Skip(1).Select(l => l.Split(','))
            .OrderByDescending(f => double.Parse(f[2], CultureInfo.InvariantCulture)).Select(f => f[0]).ToList();
        var found = LakeQueries.Rows(_lake.Layout, """
            with exposed as (select channel, count(distinct person_id) as persons from touchpoints group by 1),
            credited as (select dimension_value as channel, sum(credit) as credit from credits
                         where conversion_type = 'lead' and model = 'shapley' and dimension = 'channel' group by 1)
            select channel from credited join exposed using (channel) order by credit / persons desc
            """).Select(r => (string)r["channel"]!).ToList();
        Assert.Equal(planted, found);
    }
}
