using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Apache.Arrow.Ipc;
using ClosedLoop.Core;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Crm;
using ClosedLoop.Lake.Loading;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;
using ClosedLoop.Lake.Reports;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// The read API over the committed small sample (loaded and stitched): the same numbers as the Lake code behind
/// <c>closedloop attribute</c> and <c>closedloop report</c>, JSON and Arrow, and the read token.
/// </summary>
public sealed class ReadApiTests : IAsyncLifetime
{
    private const string Token = "read-secret";
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync() => await SampleLake.LoadAsync(_harness.Layout);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task StartAsync(string? token = Token) =>
        _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, ReadToken = token });

    private HttpClient Reader()
    {
        var client = _harness.NewClient(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static async Task<string> Json(LakeDatabase db, string sql)
    {
        using var reader = db.ExecuteReader(sql);
        using var buffer = new MemoryStream();
        await QueryResultWriter.WriteJsonAsync(reader, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Same rows, same columns, same values (numbers to 1e-9 relative).</summary>
    private static void AssertSameRows(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        var expectedRows = e.RootElement.EnumerateArray().ToList();
        var actualRows = a.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(expectedRows);
        Assert.Equal(expectedRows.Count, actualRows.Count);
        for (var r = 0; r < expectedRows.Count; r++)
        {
            var ep = expectedRows[r].EnumerateObject().ToList();
            var ap = actualRows[r].EnumerateObject().ToList();
            Assert.Equal(ep.Select(p => p.Name), ap.Select(p => p.Name));
            for (var c = 0; c < ep.Count; c++)
            {
                if (ep[c].Value.ValueKind == JsonValueKind.Number)
                {
                    var (x, y) = (ep[c].Value.GetDouble(), ap[c].Value.GetDouble());
                    Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"row {r} {ep[c].Name}: expected {x}, got {y}");
                }
                else
                {
                    Assert.Equal(ep[c].Value.GetRawText(), ap[c].Value.GetRawText());
                }
            }
        }
    }

    [Fact]
    public async Task Attribution_answers_what_the_attribution_run_gives()
    {
        string expected;
        using (var run = AttributionRun.Start(_harness.Layout, new AttributionRequest { ConversionType = "deal", Models = ["first", "last"], Dimension = "channel" }))
            expected = await Json(run.Database, run.ReportSql);

        await StartAsync();
        using var client = Reader();
        using var response = await client.GetAsync("/v1/attribution?conversion=deal&model=first,last&by=channel&lookback=90d");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        AssertSameRows(expected, body);
        using var doc = JsonDocument.Parse(body);
        Assert.Contains(doc.RootElement.EnumerateArray(), row => row.GetProperty("model").GetString() == "first");
        Assert.Contains(doc.RootElement.EnumerateArray(), row => row.GetProperty("model").GetString() == "last");
    }

    [Fact]
    public async Task Every_report_answers_what_the_report_sql_gives()
    {
        var lake = _harness.Layout;
        var expected = new Dictionary<string, string>();
        using (var db = LakeDatabase.Open(lake))
        {
            expected["funnel"] = await Json(db, ClosedLoopReports.Funnel("channel"));
            expected["clv?by=source"] = await Json(db, ClosedLoopReports.Clv("source"));
            expected["timeline?conversion=lead,deal&interval=month&from=2025-01-01"] =
                await Json(db, ClosedLoopReports.Timeline("month", ["lead", "deal"], new DateOnly(2025, 1, 1), null));
        }
        using (var run = AttributionRun.Start(lake, new AttributionRequest { ConversionType = "lead", Models = [], Dimension = "channel" }))
            expected["paths?conversion=lead&top=3"] = await Json(run.Database, ClosedLoopReports.Paths("channel", "lead", 3));
        using (var run = AttributionRun.Start(lake, new AttributionRequest { ConversionType = "deal", Models = AttributionModels.All, Dimension = "channel" }))
            expected["compare?conversion=deal&revenue=true"] = await Json(run.Database, ClosedLoopReports.Compare("channel", AttributionModels.All, revenue: true));
        using (var query = ReportRunner.Report(lake, "roi", new ReportParameters { Model = "last", From = "2025-01-01" }))
            expected["roi?model=last&from=2025-01-01"] = await Json(query.Database, query.Sql);
        using (var query = ReportRunner.Report(lake, "timeline", new ReportParameters()))
            expected["timeline"] = await Json(query.Database, query.Sql);
        using (var query = ReportRunner.Report(lake, "content", new ReportParameters()))
            expected["content"] = await Json(query.Database, query.Sql);

        await StartAsync();
        using var client = Reader();
        foreach (var (report, json) in expected)
        {
            using var response = await client.GetAsync("/v1/reports/" + report);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{report}: {(int)response.StatusCode} {body}");
            AssertSameRows(json, body);
        }
    }

    [Fact]
    public async Task Arrow_is_answered_for_the_arrow_accept_header()
    {
        await StartAsync();
        using var client = Reader();
        var json = await client.GetStringAsync("/v1/attribution?conversion=deal&model=first,last");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/attribution?conversion=deal&model=first,last");
        request.Headers.Accept.ParseAdd("application/vnd.apache.arrow.stream");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apache.arrow.stream", response.Content.Headers.ContentType?.MediaType);
        using var jsonDoc = JsonDocument.Parse(json);
        var jsonRows = jsonDoc.RootElement.EnumerateArray().ToList();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new ArrowStreamReader(stream);
        var rows = 0;
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                Assert.Equal(jsonRows[0].EnumerateObject().Select(p => p.Name), batch.Schema.FieldsList.Select(f => f.Name));
                rows += batch.Length;
            }
        }
        Assert.Equal(jsonRows.Count, rows);
    }

    [Fact]
    public async Task The_read_api_needs_the_read_token()
    {
        await StartAsync();
        using var anonymous = _harness.NewClient(null);
        using var none = await anonymous.GetAsync("/v1/reports/funnel");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        using var writer = _harness.NewClient(ServiceHarness.WriteKey);
        using var withWriteKey = await writer.GetAsync("/v1/reports/funnel");
        Assert.Equal(HttpStatusCode.Unauthorized, withWriteKey.StatusCode);

        using var wrong = await anonymous.GetAsync("/v1/reports/funnel?token=nope");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var query = await anonymous.GetAsync("/v1/reports/funnel?token=" + Token);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        // The write endpoints still take the write key only.
        using var post = await writer.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("r-1"))));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_read_token_the_read_api_says_to_configure_one()
    {
        await StartAsync(token: null);
        using var client = Reader();
        using var response = await client.GetAsync("/v1/reports/funnel");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("--read-token", answer.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_parameters_get_400_with_the_cli_message()
    {
        await StartAsync();
        using var client = Reader();
        var cases = new Dictionary<string, string>
        {
            ["/v1/attribution?conversion=deal&model=nope"] = Assert.Throws<UserInputException>(() => AttributionModels.Parse("nope")).Message,
            ["/v1/reports/roi?by=nope"] = Assert.Throws<UserInputException>(() => AttributionModels.ParseDimension("nope")).Message,
            ["/v1/reports/funnel?by=nope"] = Assert.Throws<UserInputException>(() => AttributionModels.ParseDimension("nope")).Message,
            ["/v1/reports/roi?model=first,last"] = "this report takes one --model",
            ["/v1/reports/paths?top=0"] = "--top must be at least 1 (got 0)",
            ["/v1/reports/timeline?interval=year"] = "--interval 'year' is not day, week or month",
            ["/v1/reports/timeline?from=2025-02-01&to=2025-01-01"] = "--from 2025-02-01 is after --to 2025-01-01",
            ["/v1/attribution?conversion=deal&from=yesterday"] = "--from 'yesterday' is not a date: use YYYY-MM-DD",
        };
        foreach (var (url, message) in cases)
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode}");
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(message, answer.RootElement.GetProperty("error").GetString());
        }
        using var unknown = await client.GetAsync("/v1/reports/nope");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using var noConversion = await client.GetAsync("/v1/attribution");
        Assert.Equal(HttpStatusCode.BadRequest, noConversion.StatusCode);
    }
}
