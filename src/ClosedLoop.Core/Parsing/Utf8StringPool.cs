using System.IO.Hashing;
using System.Text;

namespace ClosedLoop.Core.Parsing;

/// <summary>
/// Turns UTF-8 bytes into strings, handing back the same instance for values seen recently (user agents,
/// referrers, event names, types). Millions of rows then share a few thousand strings instead of each
/// allocating its own, which keeps buffered row groups small and the GC quiet (after Sep's string pool).
/// A fixed-size, direct-mapped table: a collision simply replaces the older entry. Not thread-safe.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int MaxPooledBytes = 256;
    private readonly Entry[] _entries;
    private readonly int _mask;

    public Utf8StringPool(int sizePowerOfTwo = 4096)
    {
        _entries = new Entry[sizePowerOfTwo];
        _mask = sizePowerOfTwo - 1;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledBytes)
            return Encoding.UTF8.GetString(utf8);
        var hash = XxHash3.HashToUInt64(utf8);
        ref var entry = ref _entries[(int)hash & _mask];
        if (entry.Hash == hash && entry.Value is { } cached && Matches(cached, utf8))
            return cached;
        var value = Encoding.UTF8.GetString(utf8);
        entry = new Entry(hash, value);
        return value;
    }

    private static bool Matches(string cached, ReadOnlySpan<byte> utf8)
    {
        // ASCII is the common case: compare byte by char without transcoding.
        if (cached.Length != utf8.Length)
            return Encoding.UTF8.GetByteCount(cached) == utf8.Length && Encoding.UTF8.GetString(utf8) == cached;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (cached[i] != utf8[i])
                return false;
        }
        return true;
    }

    private readonly record struct Entry(ulong Hash, string? Value);
}
