using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// The tracker at <c>/t.js</c> in a real browser: headless Chromium opens a page served by the same Kestrel (so the
/// tracker is first-party), which sends a page event on load and an identify when its form is submitted.
/// </summary>
public sealed class TrackerBrowserTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static void MapTestPages(IEndpointRouteBuilder app)
    {
        static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");
        // The start page navigates to the tracked page, which therefore has it as its referrer.
        app.MapGet("/test-start.html", () => Html("""
            <!doctype html><html><head><title>start</title></head><body>
            <script>location.href = '/test-page.html?utm_source=newsletter&utm_medium=email';</script>
            </body></html>
            """));
        app.MapGet("/test-page.html", () => Html($$"""
            <!doctype html><html><head><title>Pricing</title>
            <script src="/t.js" data-write-key="{{ServiceHarness.WriteKey}}"></script>
            </head><body>
            <form id="signup" action="/test-done.html" method="get">
              <input type="email" name="email" value="Ann.Browser@Example.com">
              <button type="submit">Sign up</button>
            </form>
            <script>
              window.addEventListener('load', function () {
                setTimeout(function () { document.getElementById('signup').requestSubmit(); }, 500);
              });
            </script>
            </body></html>
            """));
        app.MapGet("/test-done.html", () => Html("<!doctype html><html><body>thanks</body></html>"));
    }

    [Fact]
    public async Task The_tracker_sends_a_page_event_and_an_identify_from_a_real_browser()
    {
        // .ci/run installs chromium when it is missing; without it this test fails rather than pass without a browser.
        var chromium = Chromium.Find();
        Assert.True(chromium is not null, "chromium is not installed (apt-get install -y chromium): the tracker needs a real browser to be tested");

        await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, MapExtraEndpoints = MapTestPages });
        var origin = _harness.Server!.Addresses[0];

        using (var anonymous = _harness.NewClient(null))
        {
            using var script = await anonymous.GetAsync("/t.js");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
            Assert.Contains("cl_id", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var profile = Path.Combine(_harness.Root, "chromium-profile");
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--remote-debugging-port=0", origin + "/test-start.html" })
            start.ArgumentList.Add(arg);
        using var browser = Process.Start(start)!;
        var stderr = browser.StandardError.ReadToEndAsync();
        _ = browser.StandardOutput.ReadToEndAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (_harness.Server.Metrics.EventsAccepted < 2 && DateTime.UtcNow < deadline && !browser.HasExited)
                await Task.Delay(100);
            Assert.True(_harness.Server.Metrics.EventsAccepted >= 2,
                $"the browser sent {_harness.Server.Metrics.EventsAccepted} events in 60 s (exited: {browser.HasExited})");
        }
        finally
        {
            if (!browser.HasExited)
                browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync();
        }

        // Stopping flushes the log into the lake.
        await _harness.StopAsync();
        var rows = ServiceHarness.Query($"""
            select type, anonymous_id, url, referrer, email, source, medium
            from read_parquet('{_harness.EventsGlob}', hive_partitioning = true) order by type
            """);
        Assert.True(rows.Count == 2, $"events in the lake: {rows.Count}; chromium said: {await stderr}");
        var identify = rows[0];
        var page = rows[1];
        Assert.Equal("identify", identify[0]);
        Assert.Equal("page", page[0]);
        // One browser, one first-party cookie id, a random UUID.
        Assert.True(Guid.TryParse(page[1], out _), $"cl_id '{page[1]}' is not a UUID");
        Assert.Equal(page[1], identify[1]);
        Assert.Equal(origin + "/test-page.html?utm_source=newsletter&utm_medium=email", page[2]);
        Assert.Equal(origin + "/test-start.html", page[3]);
        Assert.Equal("newsletter", page[5]);
        Assert.Equal("email", page[6]);
        Assert.Equal("ann.browser@example.com", identify[4]?.ToLowerInvariant());
    }
}
