using System.CommandLine;
using System.Globalization;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Maintenance;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop recompute [--full]</c>: the nightly batch, safe to schedule.</summary>
internal static class RecomputeCommand
{
    public static Command Create()
    {
        var full = new Option<bool>("--full")
        {
            Description = "Recompute every person. Without it the run is incremental when the published version allows it: only the persons touched by " +
                          "event files and CRM rows loaded since are recomputed (same result); the log says which mode ran and why",
        };
        var retention = new Option<string?>("--retention")
        {
            Description = "Delete raw event days older than this before recomputing, e.g. 400d (default: keep everything)",
        };
        var command = new Command("recompute",
            "The nightly batch: compact event files, stitch, credit every conversion type under every model, publish the new derived version in one step; " +
            "incremental (only persons touched by new data) unless --full or the published version cannot be extended. " +
            "Exit codes: 0 done, 1 failed, 3 another run holds the lake lock")
        {
            full, retention,
        };
        command.SetAction((parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            if (!Directory.Exists(lake.Events))
                throw new UserInputException($"no events in {lake.Root}: load some first (closedloop load events FILE --lake {lake.Root})");
            // One structured line per step (logfmt), so cron mail and journald stay readable and greppable.
            var keep = parse.GetValue(retention) is { } r ? Durations.Parse(r, defaultUnit: 'd') : (TimeSpan?)null;
            var summary = new Recompute(lake, new StitchOptions()) { Retention = keep, Full = parse.GetValue(full) }.Run(step =>
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"time={DateTime.UtcNow:O} level=info msg=\"recompute step\" step=\"{step.Name}\" seconds={step.Elapsed.TotalSeconds:0.000}")), ct);
            var total = summary.Elapsed.TotalSeconds;
            if (summary.Stitch is not { } stitch)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recompute: up to date, nothing loaded since {summary.Version} ({total:0.0} s)"));
                return Task.FromResult(CliHost.Success);
            }
            var mode = summary.Scope is { } scope
                ? string.Create(CultureInfo.InvariantCulture, $"incremental: {summary.Reason}; {scope.RecomputedPersons:N0} persons of {stitch.Persons:N0} recomputed")
                : $"full: {summary.Reason}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recompute: published {summary.Version} ({stitch.Persons:N0} persons, {stitch.Touchpoints:N0} touchpoints, {summary.Conversions:N0} conversions) in {total:0.0} s; {mode}"));
            return Task.FromResult(CliHost.Success);
        });
        return command;
    }
}
