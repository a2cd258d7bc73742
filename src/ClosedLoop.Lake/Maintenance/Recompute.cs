using System.Diagnostics;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>
/// What a recompute did, step by step. <see cref="Mode"/> is <c>full</c>, <c>incremental</c> or <c>up to date</c> (nothing
/// new: nothing published, <see cref="Version"/> is the current one); <see cref="Reason"/> says why.
/// </summary>
public sealed record RecomputeSummary(string Version, StitchSummary? Stitch, long Conversions, IReadOnlyList<StitchStep> Steps, TimeSpan Elapsed)
{
    public string Mode { get; init; } = "full";

    public string Reason { get; init; } = "";

    /// <summary>An incremental run's scope: persons replaced and recomputed; null for a full run.</summary>
    public ScopeSummary? Scope { get; init; }
}

/// <summary>
/// The nightly batch (SPEC section 7): under the lake lock, compacts the event partitions, stitches, and credits
/// every conversion type under every model, all into one new derived version, then publishes it in one step.
/// A run killed anywhere leaves the published version as it was; the next run starts over and completes.
/// </summary>
/// <remarks>
/// Incremental unless <see cref="Full"/>: each version records what it read (<see cref="InputManifest"/>); the next run
/// finds the event files and CRM rows that are new, recomputes only the persons they touch (<see cref="IncrementalScope"/>)
/// and keeps everyone else's rows. Anything the manifest cannot explain makes the run a full one, with the reason
/// logged. The result equals a full run's; see docs/operations.md.
/// </remarks>
public sealed class Recompute(LakeLayout lake, StitchOptions stitchOptions)
{
    /// <summary>Raw events older than this (by event day) are deleted before compaction; null keeps everything.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Recompute every person, whatever the previous version covers.</summary>
    public bool Full { get; init; }

    /// <summary>
    /// An incremental run writes the person tables whole again once their delta passes this share of the base rows
    /// (<see cref="PersonDelta"/>); 0 always writes them whole.
    /// </summary>
    public double DeltaFoldShare { get; init; } = PersonDelta.DefaultFoldShare;

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

        var work = Path.Combine(lake.Staging, "recompute-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (Retention is not null)
            {
                var retention = EventCompactor.ApplyRetention(lake, Retention, DateTime.UtcNow);
                Step($"retention (event days before {retention.Cutoff:yyyy-MM-dd} removed: {retention.PartitionsRemoved})");
            }

            // What this run covers is fixed here: files arriving later are left for the next run.
            var events = InputManifest.ListEvents(lake);
            var crm = InputManifest.ListCrm(lake);
            var snapshots = Path.Combine(work, "crm");
            if (Full || !IncrementalPlan.TryLinkCrmSnapshots(lake, crm, snapshots))
                IncrementalPlan.WriteCrmSnapshots(lake, snapshots);
            var reason = "--full asked";
            IncrementalPlan? plan = null;
            if (!Full)
                plan = IncrementalPlan.Prepare(lake, stitchOptions, events, crm, snapshots, work, out reason);
            if (plan is not null)
            {
                reason = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{plan.NewFiles} new event files in {plan.TouchedPartitions} partitions, {plan.ChangedCrmRows} changed CRM rows, {plan.TouchedIdentifiers:N0} identifiers touched");
            }
            Step($"plan: {(plan is null ? "full" : "incremental")} ({reason})");
            if (plan is { HasChanges: false })
            {
                var current = File.ReadAllText(lake.DerivedPointer).Trim();
                Step($"up to date: nothing loaded since {current}");
                return new RecomputeSummary(current, null, 0, steps, total.Elapsed) { Mode = "up to date", Reason = "nothing loaded since the published version" };
            }

            var listed = events.Values.SelectMany(f => f).ToHashSet(StringComparer.Ordinal);
            var compaction = EventCompactor.Run(lake, ct, listed);
            Step($"compact events ({compaction.PartitionsCompacted} partitions, {compaction.FilesBefore} files into {compaction.FilesAfter}, {compaction.DuplicatesRemoved} duplicates removed)");

            using var version = new DerivedTableWriter(lake);
            var scope = plan is null ? null : new IncrementalScope(plan.PreviousVersion, plan.TouchedFile, work)
            {
                FoldShare = DeltaFoldShare,
                PreviousBaseFigures = plan.BaseFigures,
            };
            var stitch = new IdentityStitcher(lake, stitchOptions) { CrmSnapshots = snapshots }.Run(s => log(s with { Name = "stitch: " + s.Name }), ct, version, scope);
            Step(scope?.Summary is { } sc
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"stitch ({sc.RecomputedPersons:N0} persons of {stitch.Persons:N0} recomputed from {sc.Events:N0} events, {sc.PreviousPersons:N0} previous persons replaced; person tables {(scope.Folded == true ? "written whole" : "as base + delta")})")
                : "stitch");

            var conversions = stitch.Conversions;
            var state = InputManifest.StateDirectory(version.VersionDirectory);
            if (conversions > 0)
            {
                var increment = scope is null ? null
                    : new CreditsIncrement(plan!.PreviousVersion, scope.PreviousPersonsFile, scope.RecomputedPersonsFile) { FoldShare = DeltaFoldShare };
                using var run = AttributionRun.Start(version.Layout, new AttributionRequest { ConversionType = "all", Models = AttributionModels.All }, increment, state);
            }
            Step($"attribute ({conversions:N0} conversions, {AttributionModels.All.Count} models{(scope is null ? "" : ", rule-based credits kept for persons not recomputed")})");

            // The next run's reference: the files this one read (as compaction left them), the CRM as it was, the credits written.
            foreach (var (merged, sources) in compaction.Merged)
            {
                var partition = Path.GetFileName(Path.GetDirectoryName(merged)!);
                events[partition] = [.. events[partition].Except(sources, StringComparer.Ordinal).Append(merged)];
            }
            Directory.CreateDirectory(state);
            foreach (var file in Directory.GetFiles(snapshots))
                HardLinks.LinkOrCopy(file, Path.Combine(state, Path.GetFileName(file)));
            // The run's own credits, kept under a second name: attribute and report runs replace published credits files.
            var credits = Path.Combine(version.VersionDirectory, "credits");
            if (Directory.Exists(credits))
            {
                // Base files, the delta in _delta/ and the data-driven weights (CreditsStore).
                foreach (var file in Directory.GetFiles(credits, "*.parquet", SearchOption.AllDirectories))
                {
                    var link = Path.Combine(state, "credits", Path.GetRelativePath(credits, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                    HardLinks.LinkOrCopy(file, link);
                }
            }
            new InputManifest
            {
                Options = InputManifest.Describe(stitchOptions),
                Events = new SortedDictionary<string, List<string>>(
                    events.ToDictionary(e => e.Key, e => e.Value.Select(InputManifest.Entry).ToList()), StringComparer.Ordinal),
                Crm = crm,
                Credits = InputManifest.ListCredits(state),
                BaseFigures = scope?.BaseFigures ?? stitch.Figures,
            }.Save(version.VersionDirectory);

            version.Publish();
            Step($"publish {version.Version}");
            return new RecomputeSummary(version.Version, stitch, conversions, steps, total.Elapsed)
            {
                Mode = plan is null ? "full" : "incremental",
                Reason = reason,
                Scope = scope?.Summary,
            };
        }
        finally
        {
            ScratchDirectory.TryDelete(work);
        }
    }
}
