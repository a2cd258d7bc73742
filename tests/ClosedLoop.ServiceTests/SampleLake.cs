using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Crm;
using ClosedLoop.Lake.Loading;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.ServiceTests;

/// <summary>The committed small sample (data-samples/small) loaded through the Lake loaders and stitched.</summary>
internal static class SampleLake
{
    public static async Task LoadAsync(LakeLayout lake)
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "data-samples", "small");
        await new EventLoader(lake, new EventEnricher()).LoadAsync([Path.Combine(sample, "events.ndjson")]);
        await CrmLoader.LoadAsync(lake, CrmTable.Contacts, Path.Combine(sample, "contacts.csv"));
        await CrmLoader.LoadAsync(lake, CrmTable.Deals, Path.Combine(sample, "deals.csv"));
        await CrmLoader.LoadAsync(lake, CrmTable.Spend, Path.Combine(sample, "spend.csv"));
        new IdentityStitcher(lake, new StitchOptions()).Run();
    }
}
