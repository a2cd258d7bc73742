namespace ClosedLoop.Core.Identity;

/// <summary>
/// Disjoint sets over the integers 0..n-1 with union by size and path halving: near-constant time per
/// operation, two ints of memory per element. Stitching runs it over every linked identifier.
/// </summary>
public sealed class UnionFind
{
    private int[] _parent;
    private int[] _size;

    public UnionFind(int capacity = 16)
    {
        _parent = new int[Math.Max(1, capacity)];
        _size = new int[_parent.Length];
    }

    /// <summary>Elements added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a new singleton set and returns its element.</summary>
    public int Add()
    {
        if (Count == _parent.Length)
        {
            Array.Resize(ref _parent, Count * 2);
            Array.Resize(ref _size, Count * 2);
        }
        _parent[Count] = Count;
        _size[Count] = 1;
        return Count++;
    }

    /// <summary>The representative of the element's set.</summary>
    public int Find(int x)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Count);
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>Merges the two elements' sets; false when they were already one set.</summary>
    public bool Union(int a, int b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra == rb)
            return false;
        if (_size[ra] < _size[rb])
            (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _size[ra] += _size[rb];
        return true;
    }
}
