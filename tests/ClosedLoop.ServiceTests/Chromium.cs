using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace ClosedLoop.ServiceTests;

/// <summary>Headless Chromium from the command line (Debian's <c>chromium</c>; <c>.ci/run</c> installs it).</summary>
internal static partial class Chromium
{
    /// <summary>The browser on the PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);

    /// <summary>The browser, or a failed assertion: a browser test must not pass without a browser.</summary>
    public static string Require()
    {
        var chromium = Find();
        Assert.True(chromium is not null, "chromium is not installed (apt-get install -y chromium): the dashboard needs a real browser to be tested");
        return chromium!;
    }

    /// <summary>
    /// Loads <paramref name="url"/> with a fresh profile and returns what the browser printed. Virtual time stands
    /// still while requests are in flight, so <c>--virtual-time-budget</c> lets the page's fetches and scripts finish
    /// before <c>--dump-dom</c> or <c>--screenshot</c> runs.
    /// </summary>
    public static async Task<string> RunAsync(string profileRoot, string url, params string[] extra)
    {
        var start = new ProcessStartInfo(Require())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var profile = Path.Combine(profileRoot, "chromium-" + Guid.NewGuid().ToString("N"));
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--virtual-time-budget=30000" }.Concat(extra).Append(url))
            start.ArgumentList.Add(arg);
        using var browser = Process.Start(start)!;
        var stdout = browser.StandardOutput.ReadToEndAsync();
        var stderr = browser.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await browser.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            browser.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish {url} in 120 s: {await stderr}");
        }
        Assert.True(browser.ExitCode == 0, $"chromium exited with {browser.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>The text of <c>&lt;pre id="rendered"&gt;</c> in a dumped DOM: what the page's charts were given.</summary>
    public static string Rendered(string dom)
    {
        var match = RenderedPre().Match(dom);
        Assert.True(match.Success && match.Groups[1].Value.Length > 0, $"the page wrote no summary into #rendered (scripts did not finish?):\n{dom[..Math.Min(dom.Length, 3000)]}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("<pre id=\"rendered\"[^>]*>(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex RenderedPre();
}
