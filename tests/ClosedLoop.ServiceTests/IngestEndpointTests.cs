using System.Net;
using System.Text;
using System.Text.Json;

namespace ClosedLoop.ServiceTests;

/// <summary>The HTTP contract: what each kind of request is answered, and what ends up in the lake.</summary>
public sealed class IngestEndpointTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_segment_batch_lands_in_the_lake_when_the_host_stops()
    {
        var client = await _harness.StartAsync();
        var body = ServiceHarness.Batch(ServiceHarness.Track("m-1"), ServiceHarness.Track("m-2", "anon-2"),
            """{"type":"page","messageId":"m-3","anonymousId":"anon-3","timestamp":"2025-03-01T11:00:00Z","context":{"page":{"url":"https://example.com/pricing?utm_source=newsletter&utm_medium=email"}}}""");

        using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(0, answer.RootElement.GetProperty("rejected").GetArrayLength());
        Assert.False(_harness.HasEventFiles);

        await _harness.StopAsync();

        var rows = ServiceHarness.Query($"select event_id, type, event_date::varchar, source from read_parquet('{_harness.EventsGlob}', hive_partitioning = true) order by event_id");
        Assert.Equal(["m-1", "m-2", "m-3"], rows.Select(r => r[0]));
        Assert.Equal(["track", "track", "page"], rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal("2025-03-01", r[2]));
        Assert.Equal(["google", "google", "newsletter"], rows.Select(r => r[3]));
        Assert.Empty(Directory.EnumerateFiles(_harness.WalDirectory));
    }

    [Fact]
    public async Task Single_event_endpoints_imply_the_type()
    {
        var client = await _harness.StartAsync();
        using var track = await client.PostAsync("/v1/track", ServiceHarness.Json("""{"event":"Demo Requested","messageId":"t-1","userId":"u-1","timestamp":"2025-03-02T09:00:00Z"}"""));
        using var identify = await client.PostAsync("/v1/identify", ServiceHarness.Json("""{"messageId":"i-1","anonymousId":"a-1","userId":"u-1","traits":{"email":"Ann@Example.com"},"timestamp":"2025-03-02T09:01:00Z"}"""));
        Assert.Equal(HttpStatusCode.OK, track.StatusCode);
        Assert.Equal(HttpStatusCode.OK, identify.StatusCode);

        await _harness.StopAsync();

        var rows = ServiceHarness.Query($"select event_id, type, event from read_parquet('{_harness.EventsGlob}', hive_partitioning = true) order by event_id");
        Assert.Equal(["i-1", "t-1"], rows.Select(r => r[0]));
        Assert.Equal(["identify", "track"], rows.Select(r => r[1]));
        Assert.Equal("Demo Requested", rows[1][2]);
    }

    [Fact]
    public async Task Requests_without_a_valid_write_key_get_401()
    {
        await _harness.StartAsync();
        var body = ServiceHarness.Batch(ServiceHarness.Track("m-1"));

        using var anonymous = _harness.NewClient(null);
        using var wrong = _harness.NewClient("not-the-key");
        using var none = await anonymous.PostAsync("/v1/batch", ServiceHarness.Json(body));
        using var bad = await wrong.PostAsync("/v1/batch", ServiceHarness.Json(body));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("Basic", none.Headers.WwwAuthenticate.Single().Scheme);
        await _harness.StopAsync();
        Assert.False(_harness.HasEventFiles);
    }

    [Fact]
    public async Task Malformed_json_gets_400_with_a_reason()
    {
        var client = await _harness.StartAsync();

        using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json("""{"batch":[{"type":"track",""" ));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("malformed JSON", answer.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var client = await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, MaxBodyBytes = 2048 });
        var events = Enumerable.Range(0, 20).Select(i => ServiceHarness.Track($"m-{i}")).ToArray();

        using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(events)));
        using var small = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(events[0])));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 2048 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_without_a_length_is_read_whole_and_bounded_by_the_limit()
    {
        var client = await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, MaxBodyBytes = 64 * 1024 });
        // About 40 KB: more than the first buffer, less than the limit.
        var fits = ServiceHarness.Batch([.. Enumerable.Range(0, 200).Select(i => ServiceHarness.Track($"m-{i}"))]);
        var tooLarge = ServiceHarness.Batch([.. Enumerable.Range(0, 400).Select(i => ServiceHarness.Track($"x-{i}"))]);

        using var accepted = await client.PostAsync("/v1/batch", Chunked(fits));
        using var refused = await client.PostAsync("/v1/batch", Chunked(tooLarge));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using (var answer = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()))
            Assert.Equal(200, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        await _harness.StopAsync();
        Assert.Equal((200, 200), _harness.EventCounts());
    }

    /// <summary>A body sent with chunked transfer encoding: no Content-Length for the server to size its buffer by.</summary>
    private static StreamContent Chunked(string json)
    {
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task A_reject_in_a_pretty_printed_batch_keeps_the_line_its_event_starts_on()
    {
        var client = await _harness.StartAsync();
        var body = "{\n  \"batch\": [\n    " + ServiceHarness.Track("m-1") + ",\n    " + ServiceHarness.Track("m-2") + ",\n    " +
                   """{"type":"track","messageId":"m-bad","anonymousId":"anon-1","timestamp":"2025-03-01T10:00:00Z"}""" + ",\n    " +
                   ServiceHarness.Track("m-4") + "\n  ]\n}\n";

        using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _harness.StopAsync();
        var reject = Assert.Single(ServiceHarness.Query($"select line, batch_index from read_parquet('{_harness.RejectsGlob}', hive_partitioning = true) where kind = 'events'"));
        Assert.Equal("5", reject[0]);
        Assert.Equal("2", reject[1]);
    }

    [Fact]
    public async Task A_bad_event_in_a_batch_is_rejected_alone_and_kept_in_rejects()
    {
        var client = await _harness.StartAsync();
        var body = ServiceHarness.Batch(ServiceHarness.Track("m-1"),
            """{"type":"track","messageId":"m-bad","anonymousId":"anon-1","timestamp":"2025-03-01T10:00:00Z"}""",
            ServiceHarness.Track("m-3"));

        using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, answer.RootElement.GetProperty("accepted").GetInt32());
        var rejected = answer.RootElement.GetProperty("rejected").EnumerateArray().Single();
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal("track event has no event name", rejected.GetProperty("reason").GetString());

        await _harness.StopAsync();
        var rejects = ServiceHarness.Query($"select file, batch_index, reason, raw from read_parquet('{_harness.RejectsGlob}', hive_partitioning = true) where kind = 'events'");
        var reject = Assert.Single(rejects);
        Assert.Equal("http:/v1/batch", reject[0]);
        Assert.Equal("1", reject[1]);
        Assert.Equal("track event has no event name", reject[2]);
        Assert.Contains("m-bad", reject[3], StringComparison.Ordinal);
        Assert.Equal((2, 2), _harness.EventCounts());
    }

    [Fact]
    public async Task Ndjson_events_are_taken_line_by_line()
    {
        var client = await _harness.StartAsync();
        var body = string.Join('\n', ServiceHarness.Track("n-1"), "{not json", ServiceHarness.Track("n-2"), "");

        using var response = await client.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(1, answer.RootElement.GetProperty("rejected").EnumerateArray().Single().GetProperty("index").GetInt32());
        await _harness.StopAsync();
        Assert.Equal((2, 2), _harness.EventCounts());
    }

    [Fact]
    public async Task The_same_batch_sent_twice_is_stored_once()
    {
        var client = await _harness.StartAsync();
        var body = ServiceHarness.Batch(ServiceHarness.Track("m-1"), ServiceHarness.Track("m-2"), ServiceHarness.Track("m-3"));

        using var first = await client.PostAsync("/v1/batch", ServiceHarness.Json(body));
        using var second = await client.PostAsync("/v1/batch", ServiceHarness.Json(body));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await _harness.StopAsync();
        Assert.Equal((3, 3), _harness.EventCounts());

        // A retry after the first copy is already in Parquet is skipped too.
        client = await _harness.StartAsync();
        using var third = await client.PostAsync("/v1/batch", ServiceHarness.Json(body));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        await _harness.StopAsync();
        Assert.Equal((3, 3), _harness.EventCounts());
    }

    [Fact]
    public async Task Healthz_and_metrics_need_no_key_and_metrics_count()
    {
        var client = await _harness.StartAsync();
        using var batch = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("m-1"),
            """{"type":"track","messageId":"m-bad","anonymousId":"a","timestamp":"2025-03-01T10:00:00Z"}""")));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);

        using var anonymous = _harness.NewClient(null);
        using var health = await anonymous.GetAsync("/healthz");
        var metrics = await anonymous.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("closedloop_http_requests_total{endpoint=\"/v1/batch\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("closedloop_http_requests_total{endpoint=\"/healthz\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("closedloop_events_accepted_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("closedloop_events_rejected_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Matches(@"closedloop_wal_bytes [1-9]\d*\n", metrics);
        Assert.Contains("closedloop_flush_lag_seconds ", metrics, StringComparison.Ordinal);
        Assert.Contains("closedloop_parquet_files_written_total 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backlog_over_the_bound_gets_503_with_retry_after()
    {
        var client = await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, MaxBacklogBytes = 1 });

        using var first = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("m-1"))));
        using var second = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("m-2"))));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        await _harness.StopAsync();
        Assert.Equal((1, 1), _harness.EventCounts());
    }

    [Fact]
    public async Task Crm_contacts_and_deals_load_from_csv_and_json()
    {
        var client = await _harness.StartAsync();

        using var csv = await client.PostAsync("/v1/crm/contacts", new StringContent("email,first_name,created_at\nann@example.com,Ann,2025-03-01\nbob@example.com,Bob,2025-03-02\n", Encoding.UTF8, "text/csv"));
        using var json = await client.PostAsync("/v1/crm/contacts", ServiceHarness.Json("""[{"email":"cy@example.com","created_at":"2025-03-03"}]"""));
        using var malformed = await client.PostAsync("/v1/crm/deals", ServiceHarness.Json("""[{"deal_id":"""));

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var answer = JsonDocument.Parse(await csv.Content.ReadAsStringAsync());
        Assert.Equal(2, answer.RootElement.GetProperty("loaded").GetInt64());
        var emails = ServiceHarness.Query($"select email from read_parquet('{Path.Combine(_harness.Layout.Contacts, "*.parquet")}') order by 1");
        Assert.Equal(["ann@example.com", "bob@example.com", "cy@example.com"], emails.Select(r => r[0]));
    }
}
