using System.Globalization;
using System.Net;
using System.Text;
using ClosedLoop.Service.Wal;

namespace ClosedLoop.ServiceTests;

/// <summary>What a 200 promises: acknowledged events survive a crash, and none is stored twice.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task The_log_is_replayed_on_start_after_a_crash_and_events_appear_exactly_once()
    {
        // A "crash" after the fsync: the host stops without writing the log to Parquet.
        var client = await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, FlushOnStop = false });
        using (var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("r-1"), ServiceHarness.Track("r-2")))))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("r-2"), ServiceHarness.Track("r-3")))))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _harness.StopAsync();
        Assert.False(_harness.HasEventFiles);
        var segment = Assert.Single(Directory.GetFiles(_harness.WalDirectory));
        var copy = Path.Combine(_harness.Root, "segment-copy");
        File.Copy(segment, copy);

        // The next start replays before it listens.
        await _harness.StartAsync();
        Assert.Equal((3, 3), _harness.EventCounts());
        Assert.Empty(Directory.GetFiles(_harness.WalDirectory));
        await _harness.StopAsync();
        Assert.Equal((3, 3), _harness.EventCounts());

        // A crash after the Parquet files were published but before the segment was deleted: replaying it again adds nothing.
        File.Copy(copy, segment);
        await _harness.StartAsync();
        await _harness.StopAsync();
        Assert.Equal((3, 3), _harness.EventCounts());
        Assert.Empty(Directory.GetFiles(_harness.WalDirectory));
    }

    [Fact]
    public async Task A_log_written_by_an_earlier_version_as_json_is_replayed_with_its_events_enriched()
    {
        // Before the log held enriched rows, a record was the request's raw events as JSON with the receive time.
        var at = DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var legacy = $$"""
            {"ReceivedAt":"{{at}}","Events":[
              {"EventId":"old-1","Timestamp":"{{at}}","Type":"page","AnonymousId":"c-old","Url":"https://acme.example/?utm_source=google&utm_medium=cpc"},
              {"EventId":"old-2","Timestamp":"{{at}}","Type":"track","EventName":"Signed Up","AnonymousId":"c-old"}]}
            """;
        Directory.CreateDirectory(_harness.WalDirectory);
        using (var log = new WriteAheadLog(_harness.WalDirectory, 64 << 20))
        {
            log.Append(Encoding.UTF8.GetBytes(legacy));
            log.Sync();
        }

        await _harness.StartAsync();
        await _harness.StopAsync();

        Assert.Equal((2, 2), _harness.EventCounts());
        var old = ServiceHarness.Query($"select event_id, channel, source, event from read_parquet('{_harness.EventsGlob}') order by event_id");
        Assert.Equal(new[] { "old-1", "Paid Search", "google", null }, old[0]);
        Assert.Equal(new[] { "old-2", "Direct", "(direct)", "Signed Up" }, old[1]);
        Assert.Empty(Directory.GetFiles(_harness.WalDirectory));
    }

    [Fact]
    public async Task A_torn_record_at_the_end_of_a_segment_is_ignored()
    {
        var client = await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, FlushOnStop = false });
        using (var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("t-1")))))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _harness.StopAsync();
        var segment = Assert.Single(Directory.GetFiles(_harness.WalDirectory));
        // Half a record, as a crash in the middle of a write leaves it (never acknowledged: its fsync had not returned).
        await using (var stream = new FileStream(segment, FileMode.Append))
            stream.Write([200, 0, 0, 0, 1, 2, 3, 4, (byte)'{', (byte)'"']);

        await _harness.StartAsync();
        await _harness.StopAsync();

        Assert.Equal((1, 1), _harness.EventCounts());
    }

    [Fact]
    public async Task A_full_enough_log_is_flushed_before_the_interval_is_up()
    {
        // An hour's interval: only the size bound can start this flush.
        var client = await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = TimeSpan.FromHours(1), FlushAtBytes = 1 });

        using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("m-1"), ServiceHarness.Track("m-2"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_harness.HasEventFiles && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.True(_harness.HasEventFiles, "the log was not flushed within 30 s");
        var stored = ServiceHarness.Query($"select event_id from read_parquet('{_harness.EventsGlob}') order by 1").Select(r => r[0]);
        Assert.Equal(["m-1", "m-2"], stored);
    }

    [Fact]
    public async Task Concurrent_clients_get_every_acknowledged_event_stored_exactly_once()
    {
        // A short flush interval so that segments are sealed and flushed while requests keep arriving.
        await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = TimeSpan.FromMilliseconds(100) });
        const int Clients = 8, BatchesPerClient = 50, EventsPerBatch = 5;
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();

        var tasks = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            using var client = _harness.NewClient(ServiceHarness.WriteKey);
            for (var b = 0; b < BatchesPerClient; b++)
            {
                var ids = Enumerable.Range(0, EventsPerBatch).Select(e => $"c{c}-b{b}-e{e}").ToArray();
                // Every fifth batch repeats the previous one's ids, as a client retrying after a timeout would.
                if (b % 5 == 4)
                    ids = Enumerable.Range(0, EventsPerBatch).Select(e => $"c{c}-b{b - 1}-e{e}").ToArray();
                using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch([.. ids.Select(id => ServiceHarness.Track(id, $"anon-{c}"))])));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var id in ids)
                        acknowledged.Add(id);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        await _harness.StopAsync();

        var expected = acknowledged.Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Clients * BatchesPerClient * EventsPerBatch * 4 / 5, expected.Count);
        var stored = ServiceHarness.Query($"select event_id from read_parquet('{_harness.EventsGlob}', hive_partitioning = true) order by event_id")
            .Select(r => r[0]!).ToList();
        Assert.Equal(expected, stored);
    }
}
