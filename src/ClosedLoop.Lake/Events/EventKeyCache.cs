namespace ClosedLoop.Lake.Events;

/// <summary>
/// Event keys of recent day partitions, kept between writers: the ingest service flushes every few seconds, and
/// reading a day's keys from all of its Parquet files on every flush made each flush slower than the one before.
/// An entry is used only while the partition holds exactly the files its keys were read from plus the files
/// written through it; any other change (a bulk load, a compaction, an erasure) makes the next writer read again.
/// </summary>
internal sealed class EventKeyCache(int maxDays = 2, int maxKeysPerDay = 16_000_000)
{
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Takes the partition's keys and the file names they cover, or null when there is no entry or the files changed.</summary>
    public (EventKeySet Keys, HashSet<string> Files)? Take(string partitionDir)
    {
        lock (_lock)
        {
            if (!_entries.Remove(partitionDir, out var entry))
                return null;
            return FileNames(partitionDir).SetEquals(entry.Files) ? (entry.Keys, entry.Files) : null;
        }
    }

    /// <summary>Keeps a partition's keys after a writer published into it; <paramref name="files"/> are the files they cover.</summary>
    public void Return(string partitionDir, EventKeySet keys, HashSet<string> files, DateOnly day)
    {
        if (keys.Count > maxKeysPerDay)
            return;
        keys.CompactIfLarge();
        lock (_lock)
        {
            _entries[partitionDir] = new Entry(keys, files, day);
            // Only the newest days stay: streaming traffic writes today (and, around midnight, yesterday).
            foreach (var old in _entries.OrderByDescending(e => e.Value.Day).Skip(maxDays).Select(e => e.Key).ToList())
                _entries.Remove(old);
        }
    }

    /// <summary>The Parquet file names of a partition directory.</summary>
    public static HashSet<string> FileNames(string partitionDir) => Directory.Exists(partitionDir)
        ? Directory.EnumerateFiles(partitionDir, "*.parquet").Select(f => Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>(StringComparer.Ordinal);

    private sealed record Entry(EventKeySet Keys, HashSet<string> Files, DateOnly Day);
}
