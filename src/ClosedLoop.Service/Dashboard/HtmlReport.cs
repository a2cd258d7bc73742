using System.Globalization;
using System.Net;
using System.Text;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Query.Output;
using ClosedLoop.Lake.Reports;

namespace ClosedLoop.Service.Dashboard;

/// <summary>
/// <c>closedloop report html</c>: one self-contained HTML file with the dashboard's compare, funnel, ROI and timeline charts,
/// for e-mail or a wiki. The rows come from <see cref="ReportRunner"/> (so they are the CLI's and the read API's)
/// and are inlined as JSON, next to Chart.js and the dashboard's own chart code: the file loads nothing.
/// It lives beside the dashboard because it inlines the dashboard's embedded assets.
/// </summary>
public static class HtmlReport
{
    /// <summary>Writes the report; <paramref name="parameters"/> are the CLI's options (conversion, model, by, lookback, from, to).</summary>
    public static async Task WriteAsync(LakeLayout lake, ReportParameters parameters, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(output);
        var compare = await RowsAsync(lake, "compare", new ReportParameters
        {
            Conversion = parameters.Conversion, By = parameters.By, Lookback = parameters.Lookback, From = parameters.From, To = parameters.To,
        }, ct).ConfigureAwait(false);
        var funnel = await RowsAsync(lake, "funnel", new ReportParameters { By = parameters.By }, ct).ConfigureAwait(false);
        var roi = await RowsAsync(lake, "roi", new ReportParameters
        {
            Model = parameters.Model, By = parameters.By, Lookback = parameters.Lookback, From = parameters.From, To = parameters.To,
        }, ct).ConfigureAwait(false);
        // Over time: every conversion type by week, so the e-mail shows the trend behind the attribution.
        var timeline = await RowsAsync(lake, "timeline", new ReportParameters { From = parameters.From, To = parameters.To }, ct).ConfigureAwait(false);
        var data = $$"""{"compare":{{compare}},"funnel":{{funnel}},"roi":{{roi}},"timeline":{{timeline}}}""";
        var html = Page(Describe(parameters), data);
        await output.WriteAsync(Encoding.UTF8.GetBytes(html), ct).ConfigureAwait(false);
    }

    /// <summary>A report's rows as the read API's JSON array.</summary>
    private static async Task<string> RowsAsync(LakeLayout lake, string name, ReportParameters parameters, CancellationToken ct)
    {
        using var query = ReportRunner.Report(lake, name, parameters);
        using var reader = query.Database.ExecuteReader(query.Sql);
        using var buffer = new MemoryStream();
        await QueryResultWriter.WriteJsonAsync(reader, buffer, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(ReportParameters p) => string.Join(", ", new[]
    {
        $"conversion {p.Conversion ?? "deal"}", $"ROI model {p.Model ?? "linear"}", $"by {p.By ?? "channel"}", $"lookback {p.Lookback ?? "90d"}",
        p.From is null ? null : $"from {p.From}", p.To is null ? null : $"to {p.To}",
    }.OfType<string>());

    private static string Page(string description, string data) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>ClosedLoop report</title>
        <style>
        {{DashboardAssets.Text("dashboard.css")}}
        </style>
        <script>{{Script(DashboardAssets.Text("chart.umd.js"))}}</script>
        <script>{{Script(DashboardAssets.Text("charts.js"))}}</script>
        </head>
        <body>
        <header><h1>ClosedLoop report</h1><p>{{WebUtility.HtmlEncode(description)}}; generated {{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}} UTC</p></header>
        <main>
        <section class="view" id="compare"><h2>Credit by model</h2><div class="chart"><canvas></canvas></div></section>
        <section class="view" id="funnel"><h2>Funnel by first touch</h2><div class="chart"><canvas></canvas></div></section>
        <section class="view" id="roi"><h2>ROAS and ROI</h2><div class="chart"><canvas></canvas></div></section>
        <section class="view" id="timeline"><h2>Conversions and revenue over time (by week)</h2><div class="chart"><canvas></canvas></div></section>
        </main>
        <pre id="rendered" hidden></pre>
        <script type="application/json" id="report-data">{{Json(data)}}</script>
        <script>{{Script(DashboardAssets.Text("report.js"))}}</script>
        </body>
        </html>

        """;

    // Inside <script> only "</script" would end the element early; "<\/" means the same to JavaScript.
    private static string Script(string js) => js.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    // In JSON "<" only occurs inside strings, where \u003c is the same character.
    private static string Json(string json) => json.Replace("<", "\\u003c", StringComparison.Ordinal);
}
