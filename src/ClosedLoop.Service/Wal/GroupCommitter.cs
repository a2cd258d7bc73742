using System.Threading.Channels;

namespace ClosedLoop.Service.Wal;

/// <summary>
/// Makes appends durable with one fsync per group: a single loop takes every append waiting, writes them
/// all, fsyncs once and only then completes their tasks. Under load many requests share one fsync, which
/// is what lets a disk with a few hundred fsyncs a second acknowledge thousands of requests.
/// Sealing a segment for the flusher goes through the same loop, so the active segment has one owner.
/// </summary>
public sealed class GroupCommitter : IAsyncDisposable
{
    private const int MaxGroup = 4096;
    private readonly WriteAheadLog _log;
    private readonly IngestMetrics _metrics;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _pendingBytes;

    public GroupCommitter(WriteAheadLog log, IngestMetrics metrics)
    {
        _log = log;
        _metrics = metrics;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Bytes queued for the log but not yet written: counted in the backlog that triggers 503.</summary>
    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>Completes once the payload is in the log and fsynced.</summary>
    public Task AppendAsync(byte[] payload)
    {
        var request = new Request(payload);
        Interlocked.Add(ref _pendingBytes, payload.Length + WriteAheadLog.RecordOverhead);
        if (!_requests.Writer.TryWrite(request))
        {
            Interlocked.Add(ref _pendingBytes, -(payload.Length + WriteAheadLog.RecordOverhead));
            throw new InvalidOperationException("the write-ahead log is closed");
        }
        return request.Done.Task;
    }

    /// <summary>Closes the active segment; returns the highest sequence the flusher may now read.</summary>
    public async Task<long> SealAsync()
    {
        var request = new Request(null);
        if (!_requests.Writer.TryWrite(request))
            throw new InvalidOperationException("the write-ahead log is closed");
        await request.Done.Task.ConfigureAwait(false);
        return request.SealedUpTo;
    }

    /// <summary>Stops taking appends, commits those already queued and closes the active segment.</summary>
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _log.Seal();
    }

    private async Task RunAsync()
    {
        var group = new List<Request>(MaxGroup);
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && _requests.Reader.TryRead(out var request))
                group.Add(request);
            try
            {
                long bytes = 0;
                foreach (var request in group)
                {
                    if (request.Payload is { } payload)
                    {
                        _log.Append(payload);
                        bytes += payload.Length + WriteAheadLog.RecordOverhead;
                    }
                    else
                    {
                        request.SealedUpTo = _log.Seal();
                    }
                }
                _log.Sync();
                _metrics.WalAppended(bytes);
                Interlocked.Add(ref _pendingBytes, -bytes);
                foreach (var request in group)
                    request.Done.TrySetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Nothing in this group is known to be durable: every request of it fails (a 500, so the client retries).
                foreach (var request in group)
                {
                    if (request.Payload is { } payload)
                        Interlocked.Add(ref _pendingBytes, -(payload.Length + WriteAheadLog.RecordOverhead));
                    request.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed class Request(byte[]? payload)
    {
        public byte[]? Payload { get; } = payload;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long SealedUpTo { get; set; }
    }
}
