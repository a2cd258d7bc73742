namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// A bounded, lock-free pool for repeated short strings (hosts, sources, mediums, campaigns) so that
/// millions of rows share one instance per distinct value instead of allocating duplicates.
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
        ref var slot = ref _slots[string.GetHashCode(value) & _mask];
        var existing = Volatile.Read(ref slot);
        if (existing is not null && value.SequenceEqual(existing))
            return existing;
        var created = value.ToString();
        Volatile.Write(ref slot, created);
        return created;
    }

    /// <summary>Returns the pooled instance equal to <paramref name="value"/>, or pools <paramref name="value"/> itself.</summary>
    public string Intern(string value)
    {
        if (value.Length == 0 || value.Length > _maxLength)
            return value;
        ref var slot = ref _slots[string.GetHashCode(value.AsSpan()) & _mask];
        var existing = Volatile.Read(ref slot);
        if (existing is not null && string.Equals(existing, value, StringComparison.Ordinal))
            return existing;
        Volatile.Write(ref slot, value);
        return value;
    }
}
