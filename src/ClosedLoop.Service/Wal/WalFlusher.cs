using System.Diagnostics;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Events;
using Microsoft.Extensions.Logging;

namespace ClosedLoop.Service.Wal;

/// <summary>
/// Turns sealed log segments into Parquet with the bulk loader's <see cref="PartitionedEventWriter"/>, and
/// deletes a segment only after the files holding its events are published and fsynced. A crash anywhere in
/// between leaves the segment, and its replay cannot duplicate: the writer skips event ids already in the
/// lake (a published file is complete, because files appear by rename) and ids repeated within one flush.
/// </summary>
public sealed class WalFlusher
{
    private readonly LakeLayout _lake;
    private readonly WriteAheadLog _log;
    private readonly EventEnricher _enricher;
    private readonly IngestMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    // Today's event keys stay between flushes instead of being read from the day's Parquet files every time.
    private readonly EventKeyCache _keyCache = new();
    private readonly EventColumnsPool _columnBuffers = new();

    public WalFlusher(LakeLayout lake, WriteAheadLog log, EventEnricher enricher, IngestMetrics metrics, ILogger logger)
    {
        _lake = lake;
        _log = log;
        _enricher = enricher;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Flushes every <paramref name="interval"/>, or sooner once <paramref name="flushAtBytes"/> of log are waiting,
    /// until cancelled; a failed flush is logged and retried next time. A size bound as well as a time bound, as
    /// Kafka Connect's sinks and Snowplow's loaders have: the interval keeps files few at low rates, the size keeps the
    /// backlog short at high ones.
    /// </summary>
    public async Task RunAsync(GroupCommitter committer, TimeSpan interval, long flushAtBytes, CancellationToken ct)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(interval.TotalMilliseconds / 10, 10, 100));
        var lastFlush = Stopwatch.GetTimestamp();
        var lastFailed = false;
        try
        {
            while (true)
            {
                await Task.Delay(poll, ct).ConfigureAwait(false);
                // Between flushes the log holds only what no flush has taken yet. After a failure, the segments it
                // left count too: only the interval retries then, so a broken disk is not hammered ten times a second.
                if (Stopwatch.GetElapsedTime(lastFlush) < interval && (lastFailed || _metrics.WalBytes < flushAtBytes))
                    continue;
                lastFlush = Stopwatch.GetTimestamp();
                lastFailed = true;
                try
                {
                    await FlushAsync(await committer.SealAsync().ConfigureAwait(false), ct).ConfigureAwait(false);
                    lastFailed = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The segments stay on disk; the backlog bound turns a persistent failure into 503s, not lost data.
                    _logger.LogError(ex, "flushing the write-ahead log failed; retrying in {Interval}", interval);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>Writes every segment up to <paramref name="sealedUpTo"/> into the lake and deletes them. Returns the events written.</summary>
    public async Task<long> FlushAsync(long sealedUpTo, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var segments = _log.Segments().Where(s => s.Sequence <= sealedUpTo).ToList();
            if (segments.Count == 0)
                return 0;
            _metrics.FlushStarted();
            long bytes = segments.Sum(s => new FileInfo(s.Path).Length);
            IReadOnlyList<string> files;
            long written;
            await using (var writer = new PartitionedEventWriter(_lake, keyCache: _keyCache, columnBuffers: _columnBuffers))
            {
                foreach (var segment in segments)
                {
                    foreach (var record in WriteAheadLog.ReadRecords(segment.Path))
                        await WalRecord.AddToAsync(record, writer, _enricher, ct).ConfigureAwait(false);
                }
                files = await writer.CompleteAsync(ct).ConfigureAwait(false);
                written = writer.Written;
            }
            foreach (var file in files)
                FsyncFile(file);
            foreach (var segment in segments)
                File.Delete(segment.Path);
            _metrics.FlushCompleted(files.Count, bytes);
            _logger.LogInformation("flushed {Segments} log segments: {Events} events in {Files} Parquet files", segments.Count, written, files.Count);
            return written;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The rename made the file visible; this makes its content survive a power cut before the log is deleted.</summary>
    private static void FsyncFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }
}
