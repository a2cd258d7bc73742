using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake.Loading;

namespace ClosedLoop.IntegrationTests.Loading;

/// <summary>The committed samples in data-samples/, loaded as a user would, and read back with DuckDB.</summary>
public sealed class SampleFileLoadTests : IDisposable
{
    private readonly TestLake _lake = new();

    private Task<LoadSummary> Load(string sample) =>
        new EventLoader(_lake.Layout, new EventEnricher(new EnrichmentOptions())).LoadAsync([TestLake.Sample(sample)]);

    private List<long> RejectedLines() =>
        _lake.Query($"select line from read_parquet('{_lake.RejectsGlob}') order by line").Select(r => long.Parse(r[0]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public async Task Broken_ndjson_loads_its_good_lines_and_rejects_each_bad_line_by_number()
    {
        var summary = await Load("malformed/events-broken.ndjson");

        Assert.Equal(4, summary.Loaded);
        Assert.Equal([3L, 4, 5, 6, 7, 8, 11, 12, 13], RejectedLines());
        Assert.Equal(13, summary.Read);
        var emails = _lake.Query($"select email from read_parquet('{_lake.EventsGlob}') where email is not null");
        Assert.Equal("jane.doe@example.com", Assert.Single(emails)[0]);
    }

    [Fact]
    public async Task Csv_events_load_with_bad_rows_rejected_and_later_rows_kept()
    {
        var summary = await Load("malformed/events.csv");

        Assert.Equal(5, summary.Loaded);
        Assert.Equal(2, summary.Rejected);
        var channels = _lake.Query($"select event_id, channel from read_parquet('{_lake.EventsGlob}') order by event_id");
        Assert.Equal(new string?[] { "csv-0001", "Email" }, channels[0].AsEnumerable());
        Assert.Contains(channels, r => r[0] == "csv-0007");
        Assert.Contains(channels, r => r[0] == "csv-0004" && r[1] == "Paid Social");
    }

    [Fact]
    public async Task A_segment_batch_file_loads_every_event_with_its_context()
    {
        var summary = await Load("segment-batch.json");

        Assert.Equal(0, summary.Rejected);
        Assert.Equal(summary.Read, summary.Loaded);
        Assert.True(summary.Loaded >= 5);
        Assert.Equal(1, _lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}') where type = 'identify' and email is not null"));
        Assert.True(_lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}') where revenue > 0") >= 1);
    }

    [Fact]
    public async Task The_generated_small_sample_loads_without_losing_a_valid_event()
    {
        var summary = await Load("small/events.ndjson");

        using var truth = System.Text.Json.JsonDocument.Parse(File.ReadAllText(TestLake.Sample("small/truth/summary.json")));
        var root = truth.RootElement;
        Assert.Equal(root.GetProperty("events").GetInt64(), summary.Loaded);
        Assert.Equal(root.GetProperty("malformed_lines").GetInt64(), summary.Rejected);
        Assert.Equal(root.GetProperty("duplicate_lines").GetInt64(), summary.Duplicates);
    }

    public void Dispose() => _lake.Dispose();
}
