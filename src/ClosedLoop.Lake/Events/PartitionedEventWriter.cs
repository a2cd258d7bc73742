using ClosedLoop.Core.Events;
using Parquet;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// Appends enriched events to <c>lake/events/event_date=YYYY-MM-DD/</c>: one new Parquet file per touched
/// partition, written to staging and moved into place on <see cref="CompleteAsync"/>, so readers never see a
/// half-written file. Skips events whose id is already in the lake or earlier in this load.
/// Rows are taken on one thread; full row groups are encoded on the thread pool, partitions in parallel
/// (each partition's row groups in order), because Parquet encoding is the most expensive step of a load.
/// </summary>
internal sealed class PartitionedEventWriter : IAsyncDisposable
{
    private readonly LakeLayout _lake;
    private readonly string _stagingDir;
    private readonly int _rowGroupSize;
    private readonly int _maxBufferedRows;
    private readonly ParquetOptions _parquetOptions;
    private readonly Dictionary<DateOnly, Partition> _partitions = [];
    private readonly SemaphoreSlim _encoders = new(Math.Max(1, Environment.ProcessorCount));
    private readonly Queue<Task> _inFlight = new();
    private readonly int _maxInFlight = 2 * Math.Max(1, Environment.ProcessorCount);
    private int _bufferedRows;
    private bool _completed;

    public PartitionedEventWriter(LakeLayout lake, int rowGroupSize = 128 * 1024, int maxBufferedRows = 256 * 1024)
    {
        _lake = lake;
        _rowGroupSize = rowGroupSize;
        _maxBufferedRows = maxBufferedRows;
        _stagingDir = Path.Combine(lake.Staging, "events-" + Guid.NewGuid().ToString("N"));
        _parquetOptions = new ParquetOptions
        {
            // Zstd: a third of Snappy's size for about 10% more load time (measured on generated events).
            CompressionMethod = CompressionMethod.Zstd,
            CompressionLevel = System.IO.Compression.CompressionLevel.Fastest,
        };
    }

    public long Written { get; private set; }
    public long Duplicates { get; private set; }

    /// <summary>Buffers one event; false when it is a duplicate and was skipped.</summary>
    public async ValueTask<bool> AddAsync(EnrichedEvent e, CancellationToken ct)
    {
        var partition = GetPartition(e.EventDate);
        var key = EventKeys.Of(e.EventId);
        if (!partition.Keys.Add(key))
        {
            Duplicates++;
            return false;
        }
        partition.Buffer.Add(e, key);
        _bufferedRows++;
        Written++;
        if (partition.Buffer.Count >= _rowGroupSize)
            await FlushAsync(partition, ct).ConfigureAwait(false);
        else if (_bufferedRows >= _maxBufferedRows)
            await FlushLargestAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes what is buffered, closes the files and moves them into the lake. Returns the files published.</summary>
    public async Task<IReadOnlyList<string>> CompleteAsync(CancellationToken ct)
    {
        foreach (var partition in _partitions.Values)
            await FlushAsync(partition, ct).ConfigureAwait(false);
        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
        var published = new List<string>();
        foreach (var (date, partition) in _partitions.OrderBy(p => p.Key))
        {
            await partition.CloseAsync().ConfigureAwait(false);
            if (partition.StagingPath is null)
                continue;
            var dir = _lake.EventPartition(date);
            Directory.CreateDirectory(dir);
            var target = Path.Combine(dir, Path.GetFileName(partition.StagingPath));
            File.Move(partition.StagingPath, target);
            published.Add(target);
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
            await partition.CloseAsync().ConfigureAwait(false);
        if (!_completed)
            ScratchDirectory.TryDelete(_stagingDir);
        _encoders.Dispose();
    }

    private Partition GetPartition(DateOnly date)
    {
        if (!_partitions.TryGetValue(date, out var partition))
        {
            partition = new Partition(ExistingKeys.Load(_lake.EventPartition(date)));
            _partitions.Add(date, partition);
        }
        return partition;
    }

    private async Task FlushLargestAsync(CancellationToken ct)
    {
        Partition? largest = null;
        foreach (var p in _partitions.Values)
        {
            if (largest is null || p.Buffer.Count > largest.Buffer.Count)
                largest = p;
        }
        if (largest is not null)
            await FlushAsync(largest, ct).ConfigureAwait(false);
    }

    /// <summary>Hands the partition's buffer to an encoder and gives the partition a fresh one.</summary>
    private async Task FlushAsync(Partition partition, CancellationToken ct)
    {
        var rows = partition.Buffer.Count;
        if (rows == 0)
            return;
        // Bound the row groups being encoded, and so the memory they hold.
        while (_inFlight.Count >= _maxInFlight)
            await _inFlight.Dequeue().ConfigureAwait(false);

        var buffer = partition.Buffer;
        partition.Buffer = new EventColumns();
        _bufferedRows -= rows;
        var previous = partition.LastWrite;
        partition.LastWrite = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            await _encoders.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var writer = partition.Writer ??= await OpenAsync(partition, ct).ConfigureAwait(false);
                await buffer.WriteRowGroupAsync(writer, ct).ConfigureAwait(false);
            }
            finally
            {
                _encoders.Release();
            }
        }, ct);
        _inFlight.Enqueue(partition.LastWrite);
    }

    private async Task<ParquetWriter> OpenAsync(Partition partition, CancellationToken ct)
    {
        Directory.CreateDirectory(_stagingDir);
        partition.StagingPath = Path.Combine(_stagingDir, LakeLayout.NewFileName("events"));
        partition.Stream = new FileStream(partition.StagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        return await ParquetWriter.CreateAsync(EventColumns.Schema, partition.Stream, _parquetOptions, cancellationToken: ct).ConfigureAwait(false);
    }

    private sealed class Partition(HashSet<long> keys)
    {
        public HashSet<long> Keys { get; } = keys;
        public EventColumns Buffer { get; set; } = new();
        public Task LastWrite { get; set; } = Task.CompletedTask;
        public string? StagingPath { get; set; }
        public FileStream? Stream { get; set; }
        public ParquetWriter? Writer { get; set; }

        public async Task CloseAsync()
        {
            if (Writer is not null)
            {
                await Writer.DisposeAsync().ConfigureAwait(false);
                Writer = null;
            }
            if (Stream is not null)
            {
                await Stream.DisposeAsync().ConfigureAwait(false);
                Stream = null;
            }
        }
    }
}
