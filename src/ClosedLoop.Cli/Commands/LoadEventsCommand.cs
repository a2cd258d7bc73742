using System.CommandLine;
using ClosedLoop.Core;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Loading;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop load events FILE...</c>: bulk load of NDJSON, JSON batch and CSV event files.</summary>
internal static class LoadEventsCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Event files: NDJSON (flat or Segment shape), .json (one document: {\"batch\":[...]}, an array or one event), CSV with a header; .gz accepted; '-' reads stdin",
            Arity = ArgumentArity.OneOrMore,
        };
        var ownDomains = new Option<string[]>("--own-domain")
        {
            Description = "A domain of your own site (repeatable): referrers from it are internal navigation, not a new source",
            AllowMultipleArgumentsPerToken = true,
        };
        var memoryLimit = new Option<string>("--memory-limit")
        {
            Description = "Memory budget of the load, like DuckDB's memory_limit (e.g. 512MB, 2GB); the .NET heap is capped to fit it",
            DefaultValueFactory = _ => "1GB",
        };
        var command = new Command("events", "Bulk-load web events into lake/events (idempotent: events already loaded are skipped)")
        {
            files,
            ownDomains,
            memoryLimit,
        };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var memoryBudget = parse.GetValue(memoryLimit)!;
            ProcessMemory.Limit(ByteSizes.Parse(memoryBudget));
            var options = new EnrichmentOptions { OwnDomains = parse.GetValue(ownDomains) ?? [] };
            var loader = new EventLoader(lake, new EventEnricher(options));
            using var progress = new ProgressReporter();
            LoadSummary summary;
            try
            {
                summary = await loader.LoadAsync(parse.GetValue(files)!, progress.ForLoad(), ct);
            }
            catch (OutOfMemoryException)
            {
                throw ProcessMemory.Exceeded("the load", memoryBudget);
            }
            progress.Dispose();
            var seconds = progress.Elapsed.TotalSeconds;
            Console.WriteLine($"read {summary.Read:N0}, loaded {summary.Loaded:N0}, duplicates skipped {summary.Duplicates:N0}, rejected {summary.Rejected:N0} in {seconds:F1}s ({summary.Read / Math.Max(seconds, 0.001):N0} events/s)");
            if (summary.Rejected > 0)
                Console.WriteLine($"rejected rows are in {lake.RejectPartition("events")} (see: closedloop sql \"select file, line, reason from rejects where kind = 'events'\")");
            return CliHost.Success;
        });
        return command;
    }
}
