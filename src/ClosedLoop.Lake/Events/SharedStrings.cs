using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// The values that a load's rows keep repeating (user agents, referrers, hosts, paths, sources, campaigns, channels),
/// each kept once as UTF-8 so that spilled rows refer to it by number instead of carrying its bytes (see
/// <see cref="SpilledEventRow"/>): the spill a load writes and reads back is then about half as large. Added to
/// by the parser workers, read by the encoders; an id never changes or moves once handed out.
/// </summary>
/// <remarks>
/// The parser and the enricher pool such strings, so a worker's reference-keyed <see cref="Cache"/> answers most
/// look-ups without hashing the text. Bounded: past <see cref="MaxValues"/> values or <see cref="MaxBytes"/> bytes
/// (a column that is unique after all), further values are spilled inline, as without a table.
/// </remarks>
internal sealed class SharedStrings
{
    /// <summary>Longer values are spilled inline: they are rarely repeated, and hashing them would cost more than copying.</summary>
    public const int MaxValueLength = 256;
    public const int MaxValues = 1 << 18;
    public const long MaxBytes = 16 << 20;
    private const int SegmentBits = 12;
    private const int SegmentMask = (1 << SegmentBits) - 1;

    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly byte[]?[]?[] _segments = new byte[]?[MaxValues >> SegmentBits][];
    private readonly Lock _adding = new();
    private int _count;
    private long _bytes;

    /// <summary>Values held so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The id of <paramref name="value"/>, added if new; -1 when the table is full.</summary>
    public int IdOf(string value)
    {
        if (_ids.TryGetValue(value, out var id))
            return id;
        lock (_adding)
        {
            if (_ids.TryGetValue(value, out id))
                return id;
            if (_count >= MaxValues || _bytes >= MaxBytes)
                return -1;
            var utf8 = Encoding.UTF8.GetBytes(value);
            id = _count;
            (_segments[id >> SegmentBits] ??= new byte[]?[1 << SegmentBits])[id & SegmentMask] = utf8;
            _bytes += utf8.Length;
            // The value is stored before its id is published; a row carrying the id reaches an encoder only
            // through a channel and a task start, which order the reads after this write.
            Volatile.Write(ref _count, id + 1);
            _ids[value] = id;
            return id;
        }
    }

    /// <summary>The UTF-8 bytes of the value with this id.</summary>
    public ReadOnlySpan<byte> this[int id] =>
        (uint)id < (uint)Count
            ? _segments[id >> SegmentBits]![id & SegmentMask]
            : throw new InvalidDataException($"a spilled row refers to shared value {id}, and the table holds {Count}");

    /// <summary>
    /// One parser worker's memory of the last string instances it looked up, keyed by reference: pooled strings
    /// come back as the same instance, so a hit costs neither a hash of the text nor a lock. Not thread-safe.
    /// </summary>
    public sealed class Cache(SharedStrings strings)
    {
        private const int Slots = 1 << 12;
        private readonly string?[] _keys = new string?[Slots];
        private readonly int[] _ids = new int[Slots];

        public SharedStrings Strings { get; } = strings;

        /// <summary>The id of <paramref name="value"/> in <see cref="Strings"/>; -1 when it is spilled inline.</summary>
        public int IdOf(string value)
        {
            if (value.Length > MaxValueLength)
                return -1;
            var slot = RuntimeHelpers.GetHashCode(value) & (Slots - 1);
            if (ReferenceEquals(_keys[slot], value))
                return _ids[slot];
            var id = Strings.IdOf(value);
            if (id >= 0)
            {
                _keys[slot] = value;
                _ids[slot] = id;
            }
            return id;
        }
    }
}
