using System.Diagnostics;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>What a recompute did, step by step.</summary>
public sealed record RecomputeSummary(string Version, StitchSummary Stitch, long Conversions, IReadOnlyList<StitchStep> Steps, TimeSpan Elapsed);

/// <summary>
/// The nightly batch (SPEC section 7): under the lake lock, compacts the event partitions, stitches, and credits
/// every conversion type under every model, all into one new derived version, then publishes it in one step.
/// A run killed anywhere leaves the published version as it was; the next run starts over and completes.
/// </summary>
/// <remarks>
/// Every run recomputes every person (what <c>--full</c> asks for). Restricting the work to persons touched by new
/// data is not built yet; the result would have to equal this one anyway.
/// </remarks>
public sealed class Recompute(LakeLayout lake, StitchOptions stitchOptions)
{
    /// <summary>Raw events older than this (by event day) are deleted before compaction; null keeps everything.</summary>
    public TimeSpan? Retention { get; init; }

    public RecomputeSummary Run(Action<StitchStep> log, CancellationToken ct = default)
    {
        using var held = RecomputeLock.Acquire(lake);
        return RunLocked(log, ct);
    }

    /// <summary>The run itself, for callers that already hold the lake lock (erasure).</summary>
    internal RecomputeSummary RunLocked(Action<StitchStep> log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        var steps = new List<StitchStep>();
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        void Step(string name)
        {
            var step = new StitchStep(name, clock.Elapsed);
            steps.Add(step);
            log(step);
            clock.Restart();
            ct.ThrowIfCancellationRequested();
        }

        if (Retention is not null)
        {
            var retention = EventCompactor.ApplyRetention(lake, Retention, DateTime.UtcNow);
            Step($"retention (event days before {retention.Cutoff:yyyy-MM-dd} removed: {retention.PartitionsRemoved})");
        }
        var compaction = EventCompactor.Run(lake, ct);
        Step($"compact events ({compaction.PartitionsCompacted} partitions, {compaction.FilesBefore} files into {compaction.FilesAfter}, {compaction.DuplicatesRemoved} duplicates removed)");

        using var version = new DerivedTableWriter(lake);
        var stitch = new IdentityStitcher(lake, stitchOptions).Run(s => log(s with { Name = "stitch: " + s.Name }), ct, version);
        Step("stitch");

        long conversions = 0;
        using (var check = LakeDatabase.Open(version.Layout))
            conversions = Convert.ToInt64(check.ExecuteScalar("SELECT count(*) FROM conversions"), System.Globalization.CultureInfo.InvariantCulture);
        if (conversions > 0)
        {
            using var run = AttributionRun.Start(version.Layout, new AttributionRequest { ConversionType = "all", Models = AttributionModels.All });
        }
        Step($"attribute ({conversions:N0} conversions, {AttributionModels.All.Count} models)");

        version.Publish();
        Step($"publish {version.Version}");
        return new RecomputeSummary(version.Version, stitch, conversions, steps, total.Elapsed);
    }
}
