using ClosedLoop.Core.Events;
using Parquet;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// Appends enriched events to <c>lake/events/event_date=YYYY-MM-DD/</c>: one new Parquet file per touched
/// partition, written to staging and moved into place on <see cref="CompleteAsync"/>, so readers never see a
/// half-written file. Skips events whose id is already in the lake or earlier in this load.
/// Not thread-safe: one writer per load, fed by one consumer.
/// </summary>
internal sealed class PartitionedEventWriter : IAsyncDisposable
{
    private readonly LakeLayout _lake;
    private readonly string _stagingDir;
    private readonly int _rowGroupSize;
    private readonly int _maxBufferedRows;
    private readonly Dictionary<DateOnly, Partition> _partitions = [];
    private int _bufferedRows;
    private bool _completed;

    public PartitionedEventWriter(LakeLayout lake, int rowGroupSize = 128 * 1024, int maxBufferedRows = 384 * 1024)
    {
        _lake = lake;
        _rowGroupSize = rowGroupSize;
        _maxBufferedRows = maxBufferedRows;
        _stagingDir = Path.Combine(lake.Staging, "events-" + Guid.NewGuid().ToString("N"));
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
        var published = new List<string>();
        foreach (var partition in _partitions.Values)
        {
            await FlushAsync(partition, ct).ConfigureAwait(false);
            await partition.CloseAsync().ConfigureAwait(false);
        }
        foreach (var (date, partition) in _partitions.OrderBy(p => p.Key))
        {
            if (partition.StagingPath is null)
                continue;
            var dir = _lake.EventPartition(date);
            Directory.CreateDirectory(dir);
            var target = Path.Combine(dir, Path.GetFileName(partition.StagingPath));
            File.Move(partition.StagingPath, target);
            published.Add(target);
        }
        _completed = true;
        TryDeleteStaging();
        return published;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var partition in _partitions.Values)
            await partition.CloseAsync().ConfigureAwait(false);
        if (!_completed)
            TryDeleteStaging();
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

    private async Task FlushAsync(Partition partition, CancellationToken ct)
    {
        var rows = partition.Buffer.Count;
        if (rows == 0)
            return;
        if (partition.Writer is null)
        {
            Directory.CreateDirectory(_stagingDir);
            partition.StagingPath = Path.Combine(_stagingDir, LakeLayout.NewFileName("events"));
            partition.Stream = new FileStream(partition.StagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            partition.Writer = await ParquetWriter.CreateAsync(EventColumns.Schema, partition.Stream,
                new ParquetOptions { CompressionMethod = Environment.GetEnvironmentVariable("PQ_SNAPPY") == "1" ? CompressionMethod.Snappy : CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest, DictionaryEncodingThreshold = Environment.GetEnvironmentVariable("PQ_NODICT") == "1" ? 0 : 0.8 },
                cancellationToken: ct).ConfigureAwait(false);
        }
        await partition.Buffer.WriteRowGroupAsync(partition.Writer, ct).ConfigureAwait(false);
        _bufferedRows -= rows;
    }

    private void TryDeleteStaging()
    {
        try
        {
            if (Directory.Exists(_stagingDir))
                Directory.Delete(_stagingDir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next maintenance run; staging is never read.
        }
    }

    private sealed class Partition(HashSet<long> keys)
    {
        public HashSet<long> Keys { get; } = keys;
        public EventColumns Buffer { get; } = new();
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
