using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ClosedLoop.Lake.Query.Output;
using ClosedLoop.Lake.Reports;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// <c>closedloop report html</c> run as the real CLI over the stitched small sample: one file that loads nothing from
/// elsewhere and, opened in headless Chromium, draws the compare, funnel, ROI and timeline charts with the reports' numbers.
/// </summary>
public sealed class HtmlReportTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    private static string CliDll =>
        Path.GetFullPath(typeof(HtmlReportTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!);

    public async Task InitializeAsync() => await SampleLake.LoadAsync(_harness.Layout);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<JsonElement> RowsAsync(string report, ReportParameters parameters)
    {
        using var query = ReportRunner.Report(_harness.Layout, report, parameters);
        using var reader = query.Database.ExecuteReader(query.Sql);
        using var buffer = new MemoryStream();
        await QueryResultWriter.WriteJsonAsync(reader, buffer);
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Report_html_is_one_self_contained_file_that_draws_the_report_charts()
    {
        var file = Path.Combine(_harness.Root, "report.html");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CliDll, "report", "html", "--lake", _harness.Layout.Root, "--out", file, "--conversion", "deal", "--model", "position" })
            start.ArgumentList.Add(arg);
        using (var cli = Process.Start(start)!)
        {
            var stderr = cli.StandardError.ReadToEndAsync();
            _ = cli.StandardOutput.ReadToEndAsync();
            await cli.WaitForExitAsync();
            Assert.True(cli.ExitCode == 0, $"report html exited with {cli.ExitCode}: {await stderr}");
        }

        var html = await File.ReadAllTextAsync(file, Encoding.UTF8);
        Assert.DoesNotMatch(DashboardBrowserTests.ExternalReference(), html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Chart.js v", html, StringComparison.Ordinal);

        var dom = await Chromium.RunAsync(_harness.Root, new Uri(file).AbsoluteUri, "--dump-dom");
        using var rendered = JsonDocument.Parse(Chromium.Rendered(dom));
        var views = rendered.RootElement.GetProperty("views");
        ChartAssert.Compare(views.GetProperty("compare").GetProperty("chart"), await RowsAsync("compare", new() { Conversion = "deal" }));
        ChartAssert.Funnel(views.GetProperty("funnel").GetProperty("chart"), await RowsAsync("funnel", new()));
        ChartAssert.Roi(views.GetProperty("roi").GetProperty("chart"), await RowsAsync("roi", new() { Model = "position" }));
        ChartAssert.Timeline(views.GetProperty("timeline").GetProperty("chart"), await RowsAsync("timeline", new()));
    }
}
