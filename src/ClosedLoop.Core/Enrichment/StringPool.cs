using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// A bounded, lock-free pool for repeated short strings (hosts, sources, mediums, campaigns, user agents,
/// referrers) so that millions of rows share one instance per distinct value instead of allocating duplicates
/// (after Sep's string pool). Values can come as chars or, straight from the JSON reader, as UTF-8 bytes.
/// </summary>
/// <remarks>
/// Direct-mapped and lossy: a colliding value replaces the slot. That keeps memory bounded for
/// high-cardinality inputs and makes concurrent use safe without locks, because a slot only ever
/// holds a complete, immutable string reference; a lost race costs one extra allocation, never a wrong value.
/// </remarks>
internal sealed class StringPool
{
    private readonly string?[] _slots;
    private readonly int _mask;
    private readonly int _maxLength;

    public StringPool(int capacityPowerOfTwo = 1 << 13, int maxLength = 128)
    {
        if (capacityPowerOfTwo <= 0 || (capacityPowerOfTwo & (capacityPowerOfTwo - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(capacityPowerOfTwo), "capacity must be a power of two");
        _slots = new string?[capacityPowerOfTwo];
        _mask = capacityPowerOfTwo - 1;
        _maxLength = maxLength;
    }

    /// <summary>Returns a pooled string equal to <paramref name="value"/>, allocating only when it is not pooled yet.</summary>
    public string Intern(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
            return string.Empty;
        if (value.Length > _maxLength)
            return value.ToString();
        ref var slot = ref _slots[Slot(value)];
        var existing = Volatile.Read(ref slot);
        if (existing is not null && value.SequenceEqual(existing))
            return existing;
        var created = value.ToString();
        Volatile.Write(ref slot, created);
        return created;
    }

    /// <summary>
    /// Returns a pooled string for UTF-8 bytes without transcoding them first when the value is pooled already.
    /// Hashes the bytes, so the same value interned as chars may sit in another slot: the pool is lossy anyway.
    /// </summary>
    public string Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
            return string.Empty;
        if (utf8.Length > _maxLength)
            return Encoding.UTF8.GetString(utf8);
        ref var slot = ref _slots[(int)XxHash3.HashToUInt64(utf8) & _mask];
        var existing = Volatile.Read(ref slot);
        if (existing is not null && EqualsAscii(existing, utf8))
            return existing;
        var created = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref slot, created);
        return created;
    }

    // A fixed hash, not string.GetHashCode (randomized per process): which values share a slot is then the same in
    // every run, so whether two values evict each other does not change from one run to the next.
    private int Slot(ReadOnlySpan<char> value) => (int)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value)) & _mask;

    private static bool EqualsAscii(string existing, ReadOnlySpan<byte> utf8)
    {
        // Byte-per-char comparison is exact for ASCII; anything else falls back to a real comparison.
        if (existing.Length == utf8.Length)
        {
            var i = 0;
            while (i < utf8.Length && utf8[i] < 0x80 && existing[i] == utf8[i])
                i++;
            if (i == utf8.Length)
                return true;
            if (utf8[i] < 0x80)
                return false;
        }
        return Encoding.UTF8.GetString(utf8) == existing;
    }

    /// <summary>Returns the pooled instance equal to <paramref name="value"/>, or pools <paramref name="value"/> itself.</summary>
    public string Intern(string value)
    {
        if (value.Length == 0 || value.Length > _maxLength)
            return value;
        ref var slot = ref _slots[Slot(value.AsSpan())];
        var existing = Volatile.Read(ref slot);
        if (existing is not null && string.Equals(existing, value, StringComparison.Ordinal))
            return existing;
        Volatile.Write(ref slot, value);
        return value;
    }
}
