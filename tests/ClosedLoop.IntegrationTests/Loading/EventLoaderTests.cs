using System.IO.Compression;
using System.Text;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake.Loading;

namespace ClosedLoop.IntegrationTests.Loading;

public sealed class EventLoaderTests : IDisposable
{
    private readonly TestLake _lake = new();

    private EventLoader Loader() => new(_lake.Layout, new EventEnricher(new EnrichmentOptions()));

    private static string Event(string id, string day = "2026-03-01", string cookie = "c1") =>
        $$"""{"event_id":"{{id}}","timestamp":"{{day}}T10:00:00Z","anonymous_id":"{{cookie}}","url":"https://acme.example/?utm_source=google&utm_medium=cpc"}""";

    [Fact]
    public async Task Good_lines_load_and_bad_lines_go_to_rejects_with_their_line_numbers()
    {
        var file = _lake.WriteFile("mixed.ndjson", string.Join('\n',
            Event("e1"),
            "{\"broken",
            Event("e2", "2026-03-02"),
            """{"event_id":"e3","anonymous_id":"c1"}""",
            "",
            "\"hello\"",
            Event("e4")) + "\n");

        var summary = await Loader().LoadAsync([file]);

        Assert.Equal(6, summary.Read);
        Assert.Equal(3, summary.Loaded);
        Assert.Equal(3, summary.Rejected);
        Assert.Equal(3, _lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}')"));
        var rejects = _lake.Query($"select line, raw, reason from read_parquet('{_lake.RejectsGlob}', hive_partitioning=true) where kind = 'events' order by line");
        Assert.Equal(["2", "4", "6"], rejects.Select(r => r[0]));
        Assert.Equal("{\"broken", rejects[0][1]);
        Assert.Contains("malformed JSON", rejects[0][2], StringComparison.Ordinal);
        Assert.Contains("timestamp", rejects[1][2], StringComparison.Ordinal);
        Assert.Contains("expected a JSON object", rejects[2][2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_land_in_day_partitions_readable_with_hive_partitioning()
    {
        var file = _lake.WriteFile("days.ndjson", Event("a", "2026-03-01") + "\n" + Event("b", "2026-03-02") + "\n" + Event("c", "2026-03-02") + "\n");

        await Loader().LoadAsync([file]);

        var days = _lake.Query($"select cast(event_date as varchar), count(*) from read_parquet('{_lake.EventsGlob}', hive_partitioning=true) group by 1 order by 1");
        Assert.Equal([["2026-03-01", "1"], ["2026-03-02", "2"]], days);
        Assert.True(Directory.Exists(Path.Combine(_lake.Layout.Events, "event_date=2026-03-02")));
    }

    [Fact]
    public async Task Time_range_filters_see_every_row_because_the_timestamp_statistics_are_right()
    {
        // Parquet.Net 6.1 wrote microsecond columns with millisecond min/max statistics, and DuckDB folded
        // "timestamp >= X" to false from them; the lake stores milliseconds so readers can trust the statistics.
        var lines = Enumerable.Range(0, 24).Select(h =>
            $$"""{"event_id":"h{{h}}","timestamp":"2026-03-01T{{h:D2}}:30:00.123Z","anonymous_id":"c1","url":"https://acme.example/"}""");
        await Loader().LoadAsync([_lake.WriteFile("day.ndjson", string.Join('\n', lines) + "\n")]);

        var glob = $"read_parquet('{_lake.EventsGlob}')";
        Assert.Equal(12, _lake.Scalar($"select count(*) from {glob} where timestamp >= TIMESTAMP '2026-03-01 12:00:00'"));
        Assert.Equal(1, _lake.Scalar($"select count(*) from {glob} where timestamp = TIMESTAMP '2026-03-01 05:30:00.123'"));
        var stats = _lake.Query($"select stats_min, stats_max from parquet_metadata('{_lake.EventsGlob}') where path_in_schema = 'timestamp'").Single();
        Assert.Equal("2026-03-01 00:30:00.123", stats[0]);
        Assert.Equal("2026-03-01 23:30:00.123", stats[1]);
    }

    [Fact]
    public async Task Loading_the_same_file_twice_adds_nothing()
    {
        var file = _lake.WriteFile("twice.ndjson", Event("e1") + "\n" + Event("e2") + "\n" + Event("e1") + "\n");

        var first = await Loader().LoadAsync([file]);
        var second = await Loader().LoadAsync([file]);

        Assert.Equal(2, first.Loaded);
        Assert.Equal(1, first.Duplicates);
        Assert.Equal(0, second.Loaded);
        Assert.Equal(3, second.Duplicates);
        Assert.Equal(2, _lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}')"));
    }

    [Fact]
    public async Task Events_without_an_id_get_a_stable_id_derived_from_their_content()
    {
        const string noId = """{"timestamp":"2026-03-01T10:00:00Z","anonymous_id":"c9","url":"https://acme.example/"}""";
        var file = _lake.WriteFile("noid.ndjson", noId + "\n");

        await Loader().LoadAsync([file]);
        await Loader().LoadAsync([file]);

        var ids = _lake.Query($"select event_id from read_parquet('{_lake.EventsGlob}')");
        Assert.Single(ids);
        Assert.StartsWith("h-", ids[0][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_input_loads_like_plain_input()
    {
        var path = Path.Combine(_lake.Root, "events.ndjson.gz");
        await using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            await gz.WriteAsync(Encoding.UTF8.GetBytes(Event("g1") + "\r\n" + Event("g2") + "\r\n"));

        var summary = await Loader().LoadAsync([path]);

        Assert.Equal(2, summary.Loaded);
        Assert.Equal(0, summary.Rejected);
    }

    [Fact]
    public async Task A_pretty_printed_json_batch_reports_bad_elements_with_index_and_line()
    {
        var file = _lake.WriteFile("batch.json", """
            {
              "sentAt": "2026-03-01T10:00:05Z",
              "batch": [
                {"messageId": "s1", "type": "page", "anonymousId": "c1", "timestamp": "2026-03-01T10:00:00Z",
                 "context": {"page": {"url": "https://acme.example/pricing"}}},
                {"messageId": "s2", "type": "track", "event": "Signed Up", "timestamp": "2026-03-01T10:01:00Z"},
                {"messageId": "s3", "type": "identify", "userId": "u1", "anonymousId": "c1", "timestamp": "2026-03-01T10:02:00Z",
                 "traits": {"email": "jane@example.com"}}
              ]
            }
            """);

        var summary = await Loader().LoadAsync([file]);

        Assert.Equal(3, summary.Read);
        Assert.Equal(2, summary.Loaded);
        var reject = Assert.Single(_lake.Query($"select line, batch_index from read_parquet('{_lake.RejectsGlob}')"));
        Assert.Equal(new string?[] { "6", "1" }, reject.AsEnumerable());
    }

    [Fact]
    public async Task Lines_longer_than_the_read_buffer_are_framed_across_segments()
    {
        var longValue = new string('x', 200_000);
        var lines = Enumerable.Range(0, 20).Select(i =>
            $$$"""{"event_id":"long{{{i}}}","timestamp":"2026-03-01T10:00:00Z","anonymous_id":"c{{{i}}}","properties":{"blob":"{{{longValue}}}"}}""");
        var file = _lake.WriteFile("long.ndjson", string.Join('\n', lines));

        var summary = await Loader().LoadAsync([file]);

        Assert.Equal(20, summary.Loaded);
        Assert.Equal(20, _lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}') where length(properties) > 200000"));
    }

    [Fact]
    public async Task A_missing_file_is_a_user_error_naming_the_file()
    {
        var ex = await Assert.ThrowsAsync<ClosedLoop.Core.UserInputException>(() => Loader().LoadAsync([Path.Combine(_lake.Root, "nope.ndjson")]));
        Assert.Contains("nope.ndjson", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_events_view_of_an_empty_lake_has_the_columns_a_load_writes()
    {
        static List<string> Columns(ClosedLoop.Lake.LakeLayout lake) =>
            LakeQueries.Rows(lake, "select column_name from (describe select * from events)").Select(r => (string)r["column_name"]!).ToList();
        var empty = Columns(_lake.Layout);

        await Loader().LoadAsync([_lake.WriteFile("one.ndjson", Event("e1") + "\n")]);

        Assert.Equal(Columns(_lake.Layout), empty);
    }

    [Fact]
    public async Task A_load_clears_what_a_killed_run_left_in_staging_a_day_ago_but_not_fresh_entries()
    {
        var orphan = Path.Combine(_lake.Layout.Staging, "events-killed");
        Directory.CreateDirectory(orphan);
        var spill = Path.Combine(orphan, "spill-1.bin");
        File.WriteAllBytes(spill, new byte[1024]);
        var dayAgo = DateTime.UtcNow.AddHours(-25);
        File.SetLastWriteTimeUtc(spill, dayAgo);
        Directory.SetLastWriteTimeUtc(orphan, dayAgo);
        var running = Path.Combine(_lake.Layout.Staging, "events-running");
        Directory.CreateDirectory(running);
        File.WriteAllBytes(Path.Combine(running, "spill-2.bin"), new byte[16]);

        await Loader().LoadAsync([_lake.WriteFile("one.ndjson", Event("e1") + "\n")]);

        Assert.False(Directory.Exists(orphan));
        Assert.True(File.Exists(Path.Combine(running, "spill-2.bin")));
        Assert.Equal(1, _lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}')"));
    }

    public void Dispose() => _lake.Dispose();
}
