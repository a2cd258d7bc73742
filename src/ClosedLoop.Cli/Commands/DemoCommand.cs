using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
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
using ClosedLoop.Lake.Synthetic;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop demo [--events N] [--seed S] [--keep DIR] [--format table|csv|json]</c>: generates a data set,
/// loads it into a fresh lake and prints the closed-loop report, with no set-up.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var events = new Option<long>("--events")
        {
            Description = "Number of event lines to generate, > 0",
            DefaultValueFactory = _ => 50_000,
            HelpName = "N",
        };
        // A parse-time check, so a bad count is bad usage (exit 2), as for generate.
        events.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<long>();
            if (value <= 0)
                result.AddError($"--events must be greater than 0 (got {value.ToString(CultureInfo.InvariantCulture)}).");
        });
        var seed = new Option<long>("--seed")
        {
            Description = "Random seed of the generated data set; the same seed gives the same report",
            DefaultValueFactory = _ => 42,
            HelpName = "S",
        };
        var keep = new Option<DirectoryInfo?>("--keep")
        {
            Description = "Keep the data (DIR/data) and the lake (DIR/lake) here instead of a temporary directory deleted at the end",
            HelpName = "DIR",
        };
        var format = new Option<string?>("--format")
        {
            Description = "Report format: table, csv or json (default: table on a terminal, csv when redirected). With csv or json, progress lines go to stderr",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json");

        var command = new Command("demo", "Generate sample data into a temporary lake, load and stitch it, and print a closed-loop report (traffic, touchpoints, funnel, won revenue per channel under every model)")
        {
            events,
            seed,
            keep,
            format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var formatName = parse.GetValue(format);
            var fmt = formatName is null ? QueryOutputFormats.Default(!Console.IsOutputRedirected) : QueryOutputFormats.Parse(formatName);
            var keepDir = parse.GetValue(keep);
            var root = keepDir?.FullName ?? Path.Combine(Path.GetTempPath(), $"closedloop-demo-{Guid.NewGuid():N}");
            if (keepDir is not null && Directory.Exists(Path.Combine(root, "lake")) && Directory.EnumerateFileSystemEntries(Path.Combine(root, "lake")).Any())
                throw new UserInputException($"{Path.Combine(root, "lake")} is not empty: --keep needs a new or empty directory, so the report covers only the demo's data");
            try
            {
                await RunAsync(new DemoRun(root, parse.GetValue(events), parse.GetValue(seed), fmt, keepDir is not null), ct);
            }
            finally
            {
                if (keepDir is null)
                    TryDelete(root);
            }
            return CliHost.Success;
        });
        return command;
    }

    private sealed record DemoRun(string Root, long Events, long Seed, QueryOutputFormat Format, bool Keep)
    {
        public string Data => Path.Combine(Root, "data");
        public string Lake => Path.Combine(Root, "lake");

        // Table output is for a person: steps and report share stdout. For csv/json, stdout holds only the report.
        public TextWriter Log => Format == QueryOutputFormat.Table ? Console.Out : Console.Error;
    }

    private static async Task RunAsync(DemoRun run, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var log = run.Log;
        log.WriteLine(run.Keep ? $"demo: working in {run.Root}" : $"demo: working in {run.Root} (deleted at the end)");

        var generated = new SyntheticDataSet(new SyntheticDataSetOptions
        {
            OutputDirectory = run.Data,
            Events = run.Events,
            Seed = run.Seed,
        }).Generate(ct);
        log.WriteLine(Invariant($"generated {generated.Lines:N0} event lines, {generated.Leads:N0} leads, {generated.Customers:N0} customers ({clock.Elapsed.TotalSeconds:F1} s)"));

        var lake = new LakeLayout(run.Lake);
        LoadSummary loaded;
        using (var progress = new ProgressReporter())
        {
            var loader = new EventLoader(lake, new EventEnricher(new EnrichmentOptions()));
            loaded = await loader.LoadAsync([Path.Combine(run.Data, "events.ndjson")],
                progress.ForLoad(), ct);
        }
        log.WriteLine(Invariant($"loaded {loaded.Loaded:N0} events ({loaded.Rejected:N0} rejected, {loaded.Duplicates:N0} duplicates) ({clock.Elapsed.TotalSeconds:F1} s)"));

        var contacts = await CrmLoader.LoadAsync(lake, CrmTable.Contacts, Path.Combine(run.Data, "contacts.csv"), ct);
        var deals = await CrmLoader.LoadAsync(lake, CrmTable.Deals, Path.Combine(run.Data, "deals.csv"), ct);
        var spend = await CrmLoader.LoadAsync(lake, CrmTable.Spend, Path.Combine(run.Data, "spend.csv"), ct);
        log.WriteLine(Invariant($"loaded {contacts.Loaded:N0} contacts, {deals.Loaded:N0} deals, {spend.Loaded:N0} spend rows ({clock.Elapsed.TotalSeconds:F1} s)"));

        var stitched = StitchCommand.Stitch(lake, new StitchOptions(), ct, quiet: true);
        log.WriteLine(Invariant($"{StitchCommand.Describe(stitched)} ({clock.Elapsed.TotalSeconds:F1} s)"));

        // The model comparison reads the credits of this run; the other sections read the lake's views.
        using (var attribution = AttributionRun.Start(lake, new AttributionRequest { ConversionType = "deal", Models = AttributionModels.All }))
            await WriteReportAsync(attribution.Database, run.Format, ct);
        log.WriteLine(Invariant($"demo: done in {clock.Elapsed.TotalSeconds:F1} s"));

        if (run.Keep)
        {
            log.WriteLine($"data kept in {run.Data}, lake in {run.Lake}; explore it with, for example:");
            log.WriteLine($"  closedloop sql --lake {Quote(run.Lake)} \"select channel, count(*) from events group by all order by 2 desc\"");
            log.WriteLine($"  closedloop sql --lake {Quote(run.Lake)} \"select status, count(*), sum(amount) from deals group by all\"");
            log.WriteLine($"  closedloop journey --lake {Quote(run.Lake)} --email \"$(closedloop sql --lake {Quote(run.Lake)} --format csv \"select email from contacts limit 1\" | tail -1)\"");
        }
    }

    /// <summary>
    /// Table and csv: each section under a title line. Json: one object keyed by section, so the whole
    /// output stays a single parseable document.
    /// </summary>
    private static async Task WriteReportAsync(LakeDatabase db, QueryOutputFormat format, CancellationToken ct)
    {
        // Console.Out, not the raw stdout stream, so redirection (and in-process tests) see the report in order with the step lines.
        var stdout = Console.Out;
        if (format == QueryOutputFormat.Json)
            await stdout.WriteAsync("{");
        for (var i = 0; i < DemoReport.Sections.Count; i++)
        {
            var section = DemoReport.Sections[i];
            var body = await RenderAsync(db, section, format, ct);
            switch (format)
            {
                case QueryOutputFormat.Json:
                    await stdout.WriteAsync((i > 0 ? "," : string.Empty) + $"\"{section.Key}\":" + body.Trim());
                    break;
                case QueryOutputFormat.Csv:
                    // A comment-style title line and a blank line between sections; split on them to read each table.
                    await stdout.WriteAsync($"# {section.Key}: {section.Title}\r\n{body}\r\n");
                    break;
                default:
                    await stdout.WriteAsync($"\n== {section.Title} ==\n{body}\n");
                    break;
            }
        }
        if (format == QueryOutputFormat.Json)
            await stdout.WriteLineAsync("}");
        await stdout.FlushAsync(ct);
    }

    private static async Task<string> RenderAsync(LakeDatabase db, ReportSection section, QueryOutputFormat format, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var reader = db.ExecuteReader(section.Sql))
            await QueryResultWriter.WriteAsync(reader, format, buffer, ct);
        return new UTF8Encoding(false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // Cleanup must not hide the real outcome: a leftover temporary directory is only worth a warning.
    private static void TryDelete(string root)
    {
        try
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not delete {root}: {ex.Message}");
        }
    }
}
