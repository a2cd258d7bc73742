namespace ClosedLoop.Lake.Events;

/// <summary>
/// The event keys of one day partition, for de-duplication: the keys read from the lake as one sorted array, and the
/// keys added since in a hash set that is merged into the array once it grows. A <see cref="HashSet{T}"/> of longs
/// alone takes about 20 bytes a key; the array takes 8. That is what lets the ingest service keep a busy day's keys
/// between flushes instead of reading them again from the day's files every second.
/// </summary>
internal sealed class EventKeySet : IEnumerable<long>
{
    private long[] _sorted = [];
    private HashSet<long> _added = [];

    public int Count => _sorted.Length + _added.Count;

    /// <summary>A set of <paramref name="keys"/> (any order, repeats allowed); the array becomes the set's own.</summary>
    public static EventKeySet FromKeys(long[] keys, int count)
    {
        Array.Sort(keys, 0, count);
        var distinct = 0;
        for (var i = 0; i < count; i++)
        {
            if (distinct == 0 || keys[i] != keys[distinct - 1])
                keys[distinct++] = keys[i];
        }
        if (distinct != keys.Length)
            Array.Resize(ref keys, distinct);
        return new EventKeySet { _sorted = keys };
    }

    /// <summary>Adds the key; false when the set held it already.</summary>
    public bool Add(long key)
    {
        if (_sorted.Length > 0 && Array.BinarySearch(_sorted, key) >= 0)
            return false;
        return _added.Add(key);
    }

    /// <summary>
    /// Merges the added keys into the sorted array once they are more than an eighth of it (or more than 64k), so a
    /// set kept between writers neither grows as a hash set nor copies its whole array for every small addition.
    /// </summary>
    public void CompactIfLarge()
    {
        if (_added.Count <= Math.Max(64 * 1024, _sorted.Length / 8))
            return;
        var added = new long[_added.Count];
        _added.CopyTo(added);
        Array.Sort(added);
        var merged = new long[_sorted.Length + added.Length];
        int i = 0, j = 0, k = 0;
        while (i < _sorted.Length && j < added.Length)
            merged[k++] = _sorted[i] < added[j] ? _sorted[i++] : added[j++];
        while (i < _sorted.Length)
            merged[k++] = _sorted[i++];
        while (j < added.Length)
            merged[k++] = added[j++];
        _sorted = merged;
        _added = [];
    }

    public IEnumerator<long> GetEnumerator() => _sorted.Concat(_added).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
