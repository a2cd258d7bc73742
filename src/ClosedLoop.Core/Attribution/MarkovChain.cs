namespace ClosedLoop.Core.Attribution;

/// <summary>
/// The transient part of the absorbing Markov chain of channel paths: start and one state per history of the latest
/// 1..order channels, with the probabilities of moving to another state or into conversion (the rest goes to null).
/// </summary>
/// <remarks>
/// A state is a 64-bit key holding up to four 16-bit slots, each a channel id + 1, the newest channel in the lowest
/// slot; start is key 0. Channel ids follow the ordinal order of the names, states are numbered by ascending key and
/// each state's transitions are sorted by target, so the chain, and every sum the solver does over it, is the same
/// whatever order the paths came in. Counts are integers until the probabilities are taken, so they are exact too.
/// </remarks>
internal sealed class MarkovChain
{
    /// <summary>The most distinct channels a 16-bit slot can name (0 marks an empty slot).</summary>
    public const int MaxChannels = ushort.MaxValue;

    internal const int SlotBits = 16;
    internal const ulong SlotMask = 0xFFFF;

    private MarkovChain(
        string[] channels, ulong[] keys, int[] rowStart, int[] targets, double[] probabilities, double[] conversion, int[][] statesByChannel)
    {
        Channels = channels;
        Keys = keys;
        RowStart = rowStart;
        Targets = targets;
        Probabilities = probabilities;
        ConversionProbabilities = conversion;
        StatesByChannel = statesByChannel;
    }

    /// <summary>
    /// The chain's channels in ordinal order (every channel of the input for <see cref="Build"/>, those of the counted
    /// paths for <see cref="MarkovPaths"/>); a channel's id is its index here.
    /// </summary>
    public string[] Channels { get; }

    /// <summary>Packed histories in ascending order; state 0 (key 0) is start. Empty when no path has a count.</summary>
    public ulong[] Keys { get; }

    /// <summary>State i's transitions to other transient states are <c>RowStart[i]..RowStart[i + 1]</c>.</summary>
    public int[] RowStart { get; }

    /// <summary>Target state of each transition, ascending within a row.</summary>
    public int[] Targets { get; }

    /// <summary>Probability of each transition.</summary>
    public double[] Probabilities { get; }

    /// <summary>Probability of moving from each state straight into conversion.</summary>
    public double[] ConversionProbabilities { get; }

    /// <summary>Per channel id, the states whose history contains it (ascending): the states removal redirects to null.</summary>
    public int[][] StatesByChannel { get; }

    /// <summary>Transient states, start included.</summary>
    public int StateCount => Keys.Length;

    /// <summary>Builds the chain; throws <see cref="ArgumentException"/> for null entries or negative counts.</summary>
    public static MarkovChain Build(IEnumerable<ChannelPath> paths, MarkovOptions options)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        var (list, channels, ids) = ChannelCatalog.Collect(paths, p => p.Channels, Problem, nameof(paths));
        // The same walk as for several sets of counts, over the catalogue just made; every channel passed belongs to the
        // chain, counted or not.
        return new MarkovPaths(([.. list.Select(p => p.Channels)], channels, ids), options)
            .Chain([.. list.Select(p => p.Conversions)], [.. list.Select(p => p.NonConversions)], everyChannel: true);
    }

    /// <summary>
    /// The chain of counted states: state <c>i</c> has history key <paramref name="keys"/>[i] (key 0 is the start) and
    /// ends <paramref name="conversions"/>[i] and <paramref name="nulls"/>[i] paths; edge <c>e</c> goes from state
    /// <c>edges[e] &gt;&gt; 32</c> to state <c>edges[e] &amp; 0xFFFFFFFF</c> with weight <paramref name="weights"/>[e].
    /// States are numbered in key order, so the chain does not depend on the order states were counted in. Sorts
    /// <paramref name="keys"/> and <paramref name="weights"/> in place.
    /// </summary>
    internal static MarkovChain FromCounts(string[] channels, ulong[] keys, long[] conversions, long[] nulls, ulong[] edges, long[] weights)
    {
        var n = keys.Length;
        var oldOf = new int[n];
        for (var i = 0; i < n; i++)
            oldOf[i] = i;
        Array.Sort(keys, oldOf);
        var newOf = new int[n];
        for (var i = 0; i < n; i++)
            newOf[oldOf[i]] = i;

        var packed = new ulong[edges.Length];
        for (var e = 0; e < edges.Length; e++)
            packed[e] = ((ulong)newOf[(int)(edges[e] >> 32)] << 32) | (uint)newOf[(int)(edges[e] & uint.MaxValue)];
        Array.Sort(packed, weights);

        var rowStart = new int[n + 1];
        var targets = new int[packed.Length];
        for (var e = 0; e < packed.Length; e++)
        {
            rowStart[(int)(packed[e] >> 32) + 1]++;
            targets[e] = (int)(packed[e] & uint.MaxValue);
        }
        for (var i = 0; i < n; i++)
            rowStart[i + 1] += rowStart[i];

        var probabilities = new double[packed.Length];
        var conversion = new double[n];
        for (var i = 0; i < n; i++)
        {
            var old = oldOf[i];
            var total = checked(conversions[old] + nulls[old]);
            for (var e = rowStart[i]; e < rowStart[i + 1]; e++)
                total = checked(total + weights[e]);
            // Every state was entered by a path with a positive count, and that path left it, so total > 0.
            for (var e = rowStart[i]; e < rowStart[i + 1]; e++)
                probabilities[e] = weights[e] / (double)total;
            conversion[i] = conversions[old] / (double)total;
        }
        return new MarkovChain(channels, keys, rowStart, targets, probabilities, conversion, GroupByChannel(keys, channels.Length));
    }

    /// <summary>The chain of no paths: no states, every channel without any.</summary>
    internal static MarkovChain Empty(string[] channels) => new(channels, [], [0], [], [], [], EmptyLists(channels.Length));

    private static string? Problem(ChannelPath? path, int index)
    {
        if (path is null)
            return $"Path {index} is null.";
        if (path.Channels is null)
            return $"Path {index} has no channel list.";
        if (path.Conversions < 0 || path.NonConversions < 0)
            return $"Path {index} has a negative count.";
        for (var i = 0; i < path.Channels.Count; i++)
        {
            if (path.Channels[i] is null)
                return $"Path {index} has a null channel at position {i}.";
        }
        return null;
    }

    private static int[][] EmptyLists(int count)
    {
        var lists = new int[count][];
        Array.Fill(lists, []);
        return lists;
    }

    private static int[][] GroupByChannel(ulong[] keys, int channelCount)
    {
        var lists = new List<int>?[channelCount];
        for (var state = 0; state < keys.Length; state++)
        {
            var key = keys[state];
            for (var slot = 0; slot < MarkovOptions.MaxOrder && key >> (slot * SlotBits) != 0; slot++)
            {
                var id = (int)((key >> (slot * SlotBits)) & SlotMask) - 1;
                var list = lists[id] ??= [];
                // A history can hold a channel twice (A, B, A); list the state once.
                if (list.Count == 0 || list[^1] != state)
                    list.Add(state);
            }
        }
        var result = new int[channelCount][];
        for (var i = 0; i < channelCount; i++)
            result[i] = lists[i]?.ToArray() ?? [];
        return result;
    }

    /// <summary>
    /// Packed keys hash badly with <see cref="ulong.GetHashCode"/> (it folds the high half onto the low half, so four
    /// small channel ids leave about a thousand distinct hashes); the SplitMix64 finalizer spreads every bit.
    /// </summary>
    internal sealed class MixedKeyComparer : IEqualityComparer<ulong>
    {
        public static readonly MixedKeyComparer Instance = new();

        public bool Equals(ulong x, ulong y) => x == y;

        public int GetHashCode(ulong obj)
        {
            obj = (obj ^ (obj >> 30)) * 0xBF58476D1CE4E5B9;
            obj = (obj ^ (obj >> 27)) * 0x94D049BB133111EB;
            return (int)(obj ^ (obj >> 31));
        }
    }
}
