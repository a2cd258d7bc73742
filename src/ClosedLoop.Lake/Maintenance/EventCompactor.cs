using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>What retention removed.</summary>
public sealed record RetentionSummary(int PartitionsRemoved, DateOnly? Cutoff);

/// <summary>What compaction did.</summary>
public sealed record CompactionSummary(int PartitionsCompacted, int FilesBefore, int FilesAfter, long DuplicatesRemoved)
{
    /// <summary>Each merged file's path with the paths of the files it replaced (a recompute records what its inputs became).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Merged { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>
/// Merges the small Parquet files that loads and streaming ingest leave in an event partition into one file,
/// keeping each <c>event_id</c> once (its earliest receipt). Only the files listed at the start are read and then
/// removed, so a file the ingest service publishes meanwhile is kept as it is. The merged file is moved in before
/// the old ones are deleted: a run killed between the two leaves duplicates that the next compaction removes,
/// never a missing event.
/// </summary>
public static class EventCompactor
{
    /// <summary>
    /// Deletes whole event partitions (days) older than <paramref name="retention"/> before <paramref name="now"/>:
    /// raw events are kept for a period, derived tables are rebuilt from what remains.
    /// </summary>
    public static RetentionSummary ApplyRetention(LakeLayout lake, TimeSpan? retention, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(lake);
        if (retention is not { } keep || !Directory.Exists(lake.Events))
            return new RetentionSummary(0, null);
        var cutoff = DateOnly.FromDateTime(now.Subtract(keep));
        var removed = 0;
        foreach (var partition in Directory.EnumerateDirectories(lake.Events, "event_date=*"))
        {
            if (DateOnly.TryParseExact(Path.GetFileName(partition)["event_date=".Length..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out var day) && day < cutoff)
            {
                Directory.Delete(partition, recursive: true);
                removed++;
            }
        }
        return new RetentionSummary(removed, cutoff);
    }

    /// <summary>
    /// Compacts every partition with more than one file; with <paramref name="only"/>, only those files are read
    /// and merged (a recompute passes the files it listed at its start, so files arriving meanwhile stay new).
    /// </summary>
    public static CompactionSummary Run(LakeLayout lake, CancellationToken ct = default, IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(lake);
        if (!Directory.Exists(lake.Events))
            return new CompactionSummary(0, 0, 0, 0);
        int partitions = 0, before = 0, after = 0;
        long duplicates = 0;
        var merged = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using var db = LakeDatabase.OpenWithoutViews(lake);
        foreach (var partition in Directory.EnumerateDirectories(lake.Events, "event_date=*").Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var files = Directory.GetFiles(partition, "*.parquet").Where(f => only is null || only.Contains(f)).Order(StringComparer.Ordinal).ToList();
            if (files.Count < 2)
                continue;
            var list = "[" + string.Join(", ", files.Select(LakeDatabase.Literal)) + "]";
            var rows = Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM read_parquet({list}, union_by_name = true, hive_partitioning = false)"),
                System.Globalization.CultureInfo.InvariantCulture);
            Directory.CreateDirectory(lake.Staging);
            var staged = Path.Combine(lake.Staging, LakeLayout.NewFileName("events"));
            db.CopyToParquet($"""
                SELECT * FROM read_parquet({list}, union_by_name = true, hive_partitioning = false)
                QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY received_at, event_key) = 1
                ORDER BY "timestamp", event_id
                """, staged);
            var kept = Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM read_parquet({LakeDatabase.Literal(staged)})"),
                System.Globalization.CultureInfo.InvariantCulture);
            var target = Path.Combine(partition, Path.GetFileName(staged));
            File.Move(staged, target);
            merged[target] = files;
            foreach (var file in files)
                File.Delete(file);
            partitions++;
            before += files.Count;
            after++;
            duplicates += rows - kept;
        }
        return new CompactionSummary(partitions, before, after, duplicates) { Merged = merged };
    }
}
