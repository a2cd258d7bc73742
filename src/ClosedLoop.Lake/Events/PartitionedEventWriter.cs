using ClosedLoop.Core.Events;
using ParquetSharp;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// Appends enriched events to <c>lake/events/event_date=YYYY-MM-DD/</c>: one new Parquet file per touched
/// partition, written to staging and moved into place on <see cref="CompleteAsync"/>, so readers never see a
/// half-written file. Skips events whose id is already in the lake or earlier in this load.
/// </summary>
/// <remarks>
/// Input is rarely in time order (a file of journeys touches every day at once), and holding a full row group
/// for every day in memory would cost gigabytes. So each row is first appended, as compact bytes
/// (<see cref="SpilledEventRow"/>), to its day's spill file in staging; a spill file becomes one row group once
/// it holds a row group's worth of rows or bytes, or when the load completes. De-duplication happens there too,
/// against the day's event keys, which are read from the lake only then and dropped once the day's last row group
/// is written. Memory stays bounded by the row groups being encoded and the key sets of the days being encoded,
/// whatever the size and order of the input. Encoding, the most expensive step, runs on the thread pool, days in
/// parallel, each day's row groups in order.
/// </remarks>
internal sealed class PartitionedEventWriter : IAsyncDisposable
{
    /// <summary>A row group is cut at this many spilled bytes even below the row count, to bound encoder memory.</summary>
    private const int MaxRowGroupBytes = 128 << 20;
    private const int SpillStreamBuffer = 64 << 10;

    /// <summary>
    /// Spilled bytes not yet encoded, across all days, above which the day with the most is encoded early. Spill
    /// files live in the page cache only while they stay under the kernel's dirty-page threshold (10% of memory by
    /// default): a 10M-event load that kept its whole 4.5 GB spill until the end had it written back to disk, which
    /// cost it a third more wall time (see bench/RESULTS.md).
    /// </summary>
    public const long DefaultSpillBudget = 1L << 30;

    private readonly LakeLayout _lake;
    private readonly string _stagingDir;
    private readonly int _rowGroupSize;
    private readonly long _spillBudget;
    private long _spilledBytes;
    private readonly Dictionary<DateOnly, Partition> _partitions = [];
    private readonly SemaphoreSlim _encoders = new(Math.Max(1, Environment.ProcessorCount));
    private readonly EventColumnsPool _columnBuffers;
    private readonly Queue<Task> _inFlight = new();
    private readonly int _maxInFlight = 4 * Math.Max(1, Environment.ProcessorCount);
    private byte[] _row = new byte[4096];
    private long _taken, _duplicates;
    private bool _completed;

    private readonly EventKeyCache? _keyCache;

    /// <param name="keyCache">Keeps day partitions' event keys for the next writer (the ingest service's flushes).</param>
    /// <param name="columnBuffers">Row group buffers to share with later writers (the ingest service's flushes).</param>
    /// <param name="spillBudget">Spilled bytes, over all days, above which the largest day is encoded early.</param>
    public PartitionedEventWriter(LakeLayout lake, int rowGroupSize = 128 * 1024, EventKeyCache? keyCache = null, EventColumnsPool? columnBuffers = null,
        long spillBudget = DefaultSpillBudget)
    {
        _spillBudget = spillBudget;
        _lake = lake;
        _keyCache = keyCache;
        _columnBuffers = columnBuffers ?? new EventColumnsPool();
        _rowGroupSize = rowGroupSize;
        _stagingDir = Path.Combine(lake.Staging, "events-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Events written, after de-duplication; final once <see cref="CompleteAsync"/> has returned.</summary>
    public long Written => _taken - Duplicates;

    /// <summary>Events skipped because their id was in the lake or earlier in the load; final after <see cref="CompleteAsync"/>.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Takes one event; duplicates are dropped when its day is encoded.</summary>
    public ValueTask AddAsync(EnrichedEvent e, CancellationToken ct)
    {
        var length = SpilledEventRow.Write(e, ref _row, 0);
        var full = Append(e.EventDate, _row.AsSpan(0, length));
        return full is null ? ValueTask.CompletedTask : new ValueTask(EncodeAsync(full, last: false, ct));
    }

    /// <summary>Takes rows already in the spill format, each with its length prefix (a write-ahead log record).</summary>
    public async ValueTask AddSpilledAsync(ReadOnlyMemory<byte> rows, CancellationToken ct)
    {
        var offset = 0;
        while (offset < rows.Length)
        {
            var full = AppendSpilled(rows.Span[offset..], out var consumed);
            offset += consumed;
            if (full is not null)
                await EncodeAsync(full, last: false, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Appends the first row of <paramref name="rows"/> as it is; returns its partition when that is now a row group's worth.</summary>
    private Partition? AppendSpilled(ReadOnlySpan<byte> rows, out int consumed)
    {
        if (!SpilledEventRow.TryGetRow(rows, out var row, out consumed))
            throw new InvalidDataException("spilled rows end inside a row");
        return Append(SpilledEventRow.EventDate(row), rows[..consumed]);
    }

    /// <summary>Appends a row (with its length prefix) to its day's spill file; returns the partition when the file is a row group's worth.</summary>
    private Partition? Append(DateOnly date, ReadOnlySpan<byte> row)
    {
        if (!_partitions.TryGetValue(date, out var partition))
            _partitions.Add(date, partition = new Partition(_lake.EventPartition(date)));
        var spill = partition.Spill ??= OpenSpill();
        spill.Append(row);
        _taken++;
        _spilledBytes += row.Length;
        if (spill.Rows >= _rowGroupSize || spill.Bytes >= MaxRowGroupBytes)
            return partition;
        return _spilledBytes >= _spillBudget ? LargestSpill() : null;
    }

    private Partition LargestSpill()
    {
        Partition? largest = null;
        foreach (var partition in _partitions.Values)
        {
            if (partition.Spill is { } spill && (largest is null || spill.Bytes > largest.Spill!.Bytes))
                largest = partition;
        }
        return largest!;
    }

    /// <summary>Writes what is spilled, closes the files and moves them into the lake. Returns the files published.</summary>
    public async Task<IReadOnlyList<string>> CompleteAsync(CancellationToken ct)
    {
        // Largest first: the long encodes start early and the small ones fill the gaps at the end.
        foreach (var partition in _partitions.Values.Where(p => p.Spill is not null).OrderByDescending(p => p.Spill!.Bytes).ToList())
            await EncodeAsync(partition, last: true, ct).ConfigureAwait(false);
        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
        var published = new List<string>();
        foreach (var (date, partition) in _partitions.OrderBy(p => p.Key))
        {
            partition.Close();
            if (partition.StagingPath is not null)
            {
                Directory.CreateDirectory(partition.Directory);
                var target = Path.Combine(partition.Directory, Path.GetFileName(partition.StagingPath));
                File.Move(partition.StagingPath, target);
                published.Add(target);
                partition.KeyFiles?.Add(Path.GetFileName(target));
            }
            // Also when every row was a duplicate: the keys still match the partition's files.
            if (_keyCache is not null && partition.Keys is not null)
                _keyCache.Return(partition.Directory, partition.Keys, partition.KeyFiles!, date);
        }
        _completed = true;
        ScratchDirectory.TryDelete(_stagingDir);
        return published;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_inFlight).ConfigureAwait(false);
        }
        catch (Exception) when (!_completed)
        {
            // The load already failed; what matters now is that no partial file is published.
        }
        foreach (var partition in _partitions.Values)
        {
            partition.Spill?.Dispose();
            partition.Abandon();
        }
        if (!_completed)
            ScratchDirectory.TryDelete(_stagingDir);
        _encoders.Dispose();
    }

    private SpillFile OpenSpill()
    {
        Directory.CreateDirectory(_stagingDir);
        return new SpillFile(Path.Combine(_stagingDir, $"spill-{Guid.NewGuid():N}.bin"));
    }

    /// <summary>Seals the partition's spill file and queues it to become the partition's next row group.</summary>
    private async Task EncodeAsync(Partition partition, bool last, CancellationToken ct)
    {
        var spill = partition.Spill!;
        partition.Spill = null;
        _spilledBytes -= spill.Bytes;
        spill.Dispose();
        // Bound the queue: a load faster than its encoders waits here rather than piling up spill files.
        while (_inFlight.Count >= _maxInFlight)
            await _inFlight.Dequeue().ConfigureAwait(false);

        var previous = partition.LastWrite;
        partition.LastWrite = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            await _encoders.WaitAsync(ct).ConfigureAwait(false);
            var columns = _columnBuffers.Take();
            try
            {
                // The day's encodes run one after another, so its key set is never shared between threads.
                if (partition.Keys is null)
                    (partition.Keys, partition.KeyFiles) = _keyCache?.Take(partition.Directory) ?? ExistingKeys.LoadWithFiles(partition.Directory);
                Interlocked.Add(ref _duplicates, columns.AddSpillFile(spill.Path, partition.Keys));
                File.Delete(spill.Path);
                if (columns.Count > 0)
                {
                    partition.Writer ??= Open(partition);
                    columns.WriteRowGroup(partition.Writer);
                }
                if (last && _keyCache is null)
                    partition.Keys = null;
            }
            finally
            {
                _columnBuffers.Return(columns);
                _encoders.Release();
            }
        }, ct);
        _inFlight.Enqueue(partition.LastWrite);
    }

    private ParquetFileWriter Open(Partition partition)
    {
        partition.StagingPath = Path.Combine(_stagingDir, LakeLayout.NewFileName("events"));
        using var properties = EventColumns.NewWriterProperties();
        return new ParquetFileWriter(partition.StagingPath, EventColumns.Schema, properties);
    }

    /// <summary>Rows of one day waiting to become a row group, appended to a file in staging.</summary>
    private sealed class SpillFile(string path) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, SpillStreamBuffer);

        public string Path { get; } = path;
        public int Rows { get; private set; }
        public long Bytes { get; private set; }

        public void Append(ReadOnlySpan<byte> row)
        {
            _stream.Write(row);
            Rows++;
            Bytes += row.Length;
        }

        public void Dispose() => _stream.Dispose();
    }

    private sealed class Partition(string directory)
    {
        public string Directory { get; } = directory;
        public SpillFile? Spill { get; set; }
        /// <summary>Event keys of the day, in the lake and written so far; loaded by the first encode.</summary>
        public EventKeySet? Keys { get; set; }
        /// <summary>The partition's file names that <see cref="Keys"/> covers.</summary>
        public HashSet<string>? KeyFiles { get; set; }
        public Task LastWrite { get; set; } = Task.CompletedTask;
        public string? StagingPath { get; set; }
        public ParquetFileWriter? Writer { get; set; }

        /// <summary>Writes the file's footer and closes it.</summary>
        public void Close()
        {
            if (Writer is null)
                return;
            try
            {
                Writer.Close();
            }
            finally
            {
                Writer.Dispose();
                Writer = null;
            }
        }

        /// <summary>Closes the file after a failure; the staging directory holding it is removed anyway.</summary>
        public void Abandon()
        {
            Writer?.Dispose();
            Writer = null;
        }
    }
}
