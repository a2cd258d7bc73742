using System.Collections.Concurrent;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// Row group buffers (<see cref="EventColumns"/>) kept for reuse. A buffer grows to a row group's size, tens of
/// megabytes in arrays on the large object heap; the ingest service flushes every second or so at its peak, and a
/// fresh set per flush was garbage the GC only reclaims in full collections.
/// </summary>
internal sealed class EventColumnsPool
{
    private readonly ConcurrentBag<EventColumns> _buffers = [];

    public EventColumns Take() => _buffers.TryTake(out var buffer) ? buffer : new EventColumns();

    /// <summary>Gives back an emptied buffer.</summary>
    public void Return(EventColumns buffer)
    {
        buffer.Clear();
        _buffers.Add(buffer);
    }
}
