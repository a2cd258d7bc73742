using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// The dashboard at <c>/</c> in headless Chromium over the stitched small sample: every chart is drawn with the
/// numbers the read API answers (the page writes what it gave each Chart.js object into <c>#rendered</c>).
/// </summary>
public sealed partial class DashboardBrowserTests : IAsyncLifetime
{
    private const string Token = "dash-secret";
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync()
    {
        await SampleLake.LoadAsync(_harness.Layout);
        await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, ReadToken = Token });
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private string Origin => _harness.Server!.Addresses[0];

    /// <summary>The JSON the read API answers, with the parameters the dashboard sends for its default filters.</summary>
    private async Task<JsonElement> ApiAsync(string pathAndQuery)
    {
        using var client = _harness.NewClient(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var answer = await client.GetAsync(pathAndQuery);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {answer.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private string AnEmail()
    {
        using var db = LakeDatabase.Open(_harness.Layout);
        return (string)db.ExecuteScalar("SELECT identifier FROM identities WHERE identifier_type = 'email' ORDER BY identifier LIMIT 1")!;
    }

    [Fact]
    public async Task Every_chart_shows_the_numbers_of_the_read_api()
    {
        var email = AnEmail();
        var dom = await Chromium.RunAsync(_harness.Root, $"{Origin}/?token={Token}&email={Uri.EscapeDataString(email)}", "--dump-dom");
        using var rendered = JsonDocument.Parse(Chromium.Rendered(dom));
        var views = rendered.RootElement.GetProperty("views");
        foreach (var view in new[] { "compare", "funnel", "roi", "paths", "timeline" })
            Assert.False(views.GetProperty(view).TryGetProperty("error", out var error), $"{view}: {error}");

        ChartAssert.Compare(views.GetProperty("compare").GetProperty("chart"), await ApiAsync("/v1/reports/compare?conversion=deal&lookback=90d&by=channel"));
        ChartAssert.Funnel(views.GetProperty("funnel").GetProperty("chart"), await ApiAsync("/v1/reports/funnel?by=channel"));
        ChartAssert.Roi(views.GetProperty("roi").GetProperty("chart"), await ApiAsync("/v1/reports/roi?model=linear&lookback=90d&by=channel"));

        // The timeline with the default filters (conversion deal, weekly): deals per week and their revenue.
        var timeline = await ApiAsync("/v1/reports/timeline?conversion=deal&interval=week");
        ChartAssert.Timeline(views.GetProperty("timeline").GetProperty("chart"), timeline);
        Assert.Equal(timeline.GetArrayLength(), views.GetProperty("timeline").GetProperty("rows").GetInt32());
        Assert.All(timeline.EnumerateArray(), r => Assert.Equal("deal", r.GetProperty("conversion_type").GetString()));

        // Paths is a table: as many rows as the API's answer.
        var paths = await ApiAsync("/v1/reports/paths?conversion=deal&lookback=90d&by=channel&top=10");
        Assert.Equal(paths.GetArrayLength(), views.GetProperty("paths").GetProperty("rows").GetInt32());
        Assert.True(PathsTableRows().Matches(dom).Count >= paths.GetArrayLength(), "the paths table is not in the page");

        // The journey looked up from ?email=: the same person and section sizes as GET /v1/journey.
        var journey = await ApiAsync($"/v1/journey?email={Uri.EscapeDataString(email)}");
        var shown = rendered.RootElement.GetProperty("journey");
        Assert.Equal(journey.GetProperty("person_id").GetString(), shown.GetProperty("person_id").GetString());
        foreach (var section in new[] { "identities", "sessions", "touchpoints", "conversions" })
            Assert.Equal(journey.GetProperty(section).GetArrayLength(), shown.GetProperty("sections").GetProperty(section).GetInt32());
        // Credits are stored by the report requests the page sends alongside the journey lookup, so the page may
        // have read them before or after those runs; it can never show more than the API holds afterwards.
        Assert.InRange(shown.GetProperty("sections").GetProperty("credits").GetInt32(), 0, journey.GetProperty("credits").GetArrayLength());
        Assert.Contains(email, dom, StringComparison.Ordinal);

        // The token went from the address into sessionStorage and out of the address bar.
        Assert.DoesNotContain(Token, rendered.RootElement.GetProperty("address").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_screenshot_of_the_dashboard_is_saved_as_a_test_artefact()
    {
        var artefacts = Path.Combine(AppContext.BaseDirectory, "artefacts");
        Directory.CreateDirectory(artefacts);
        var png = Path.Combine(artefacts, "dashboard.png");
        File.Delete(png);
        await Chromium.RunAsync(_harness.Root, $"{Origin}/?token={Token}", $"--screenshot={png}", "--window-size=1280,1600", "--hide-scrollbars");
        Assert.True(File.Exists(png) && new FileInfo(png).Length > 20_000, $"no screenshot at {png}");
    }

    [Fact]
    public async Task The_page_and_its_assets_need_no_token_and_load_nothing_from_elsewhere()
    {
        using var anonymous = _harness.NewClient(null);
        using var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(ExternalReference(), html);
        foreach (var asset in new[] { "chart.umd.js", "charts.js", "dashboard.js", "dashboard.css", "chart.js.LICENSE.md" })
        {
            using var answer = await anonymous.GetAsync("/dashboard/" + asset);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{asset}: {answer.StatusCode}");
        }
        using var missing = await anonymous.GetAsync("/dashboard/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // The data is not open: the read API still wants the token.
        using var data = await anonymous.GetAsync("/v1/reports/funnel");
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
    }

    /// <summary>A script, style sheet or image taken from another host.</summary>
    [GeneratedRegex("""(src|href)\s*=\s*["']?\s*(https?:)?//""", RegexOptions.IgnoreCase)]
    internal static partial Regex ExternalReference();

    [GeneratedRegex("<tr>")]
    private static partial Regex PathsTableRows();
}
