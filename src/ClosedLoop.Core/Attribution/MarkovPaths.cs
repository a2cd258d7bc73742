namespace ClosedLoop.Core.Attribution;

/// <summary>
/// One set of channel paths, walked once, for Markov attribution under many sets of counts: a lake's conversion types
/// share their paths and differ only in how many persons converted on each. <see cref="Compute"/> gives what
/// <see cref="MarkovAttribution.Compute"/> gives for the paths with a positive count, bit for bit (the same chain,
/// built from the same integer counts), without hashing every channel of every path again: at 60,000 paths and nine
/// conversion types, building the chains took a second of CPU, nearly all of it that hashing.
/// </summary>
public sealed class MarkovPaths
{
    private readonly string[] _names;
    private readonly int[][] _channelsOf;
    private readonly ulong[] _stateKeys;
    private readonly ulong[] _transitions;
    private readonly int[] _stepStart;
    private readonly int[] _steps;
    private readonly int[] _endOf;

    /// <param name="paths">Each path's channels in order; a channel is any non-null string.</param>
    /// <param name="options">How paths become chain states.</param>
    /// <exception cref="ArgumentException">A null path or channel, or more channels than a state key can name.</exception>
    public MarkovPaths(IReadOnlyList<IReadOnlyList<string>> paths, MarkovOptions options)
        : this(ChannelCatalog.Collect(paths, p => p, Problem, nameof(paths)), options)
    {
    }

    /// <summary>
    /// Paths already checked and catalogued (<see cref="ChannelCatalog.Collect"/>, as <see cref="MarkovChain.Build"/>
    /// does for its own checks): channel ids are positions in the ordinally sorted channels.
    /// </summary>
    internal MarkovPaths((List<IReadOnlyList<string>> Paths, string[] Channels, Dictionary<string, int> Ids) catalog, MarkovOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (paths, names, ids) = catalog;
        if (names.Length > MarkovChain.MaxChannels)
            throw new ArgumentException($"Markov attribution handles at most {MarkovChain.MaxChannels} distinct channels, got {names.Length}.", nameof(paths));
        // Channel ids in ordinal name order (MarkovChain's remarks): the counted paths' channels keep their relative order.
        _names = names;

        // Every path's steps as transition ids between states numbered as first met (state 0 is the start); a state's key
        // holds global channel ids, renumbered per set of counts in Compute.
        var historyMask = options.Order == MarkovOptions.MaxOrder ? ulong.MaxValue : (1UL << (MarkovChain.SlotBits * options.Order)) - 1;
        var stateOf = new Dictionary<ulong, int>(MarkovChain.MixedKeyComparer.Instance) { [0] = 0 };
        var stateKeys = new List<ulong> { 0 };
        var transitionOf = new Dictionary<ulong, int>(MarkovChain.MixedKeyComparer.Instance);
        var transitions = new List<ulong>();
        var steps = new List<int>();
        _stepStart = new int[paths.Count + 1];
        _endOf = new int[paths.Count];
        _channelsOf = new int[paths.Count][];
        for (var i = 0; i < paths.Count; i++)
        {
            var path = paths[i];
            var channelIds = new int[path.Count];
            var from = 0;
            var key = 0UL;
            var previous = -1;
            for (var k = 0; k < path.Count; k++)
            {
                var id = channelIds[k] = ids[path[k]];
                if (options.CollapseRepeats && id == previous)
                    continue;
                previous = id;
                key = ((key << MarkovChain.SlotBits) | (uint)(id + 1)) & historyMask;
                if (!stateOf.TryGetValue(key, out var to))
                {
                    to = stateKeys.Count;
                    stateOf.Add(key, to);
                    stateKeys.Add(key);
                }
                var edge = ((ulong)from << 32) | (uint)to;
                if (!transitionOf.TryGetValue(edge, out var transition))
                {
                    transition = transitions.Count;
                    transitionOf.Add(edge, transition);
                    transitions.Add(edge);
                }
                steps.Add(transition);
                from = to;
            }
            _channelsOf[i] = channelIds;
            _endOf[i] = from;
            _stepStart[i + 1] = steps.Count;
        }
        _stateKeys = [.. stateKeys];
        _transitions = [.. transitions];
        _steps = [.. steps];
    }

    private static string? Problem(IReadOnlyList<string>? path, int index)
    {
        if (path is null)
            return $"Path {index} is null.";
        for (var k = 0; k < path.Count; k++)
        {
            if (path[k] is null)
                return $"Path {index} has a null channel at position {k}.";
        }
        return null;
    }

    /// <summary>How many paths the set holds; counts passed to <see cref="Compute"/> are indexed the same.</summary>
    public int Count => _endOf.Length;

    /// <summary>
    /// The attribution of the paths with <paramref name="conversions"/>[i] + <paramref name="nonConversions"/>[i] &gt; 0,
    /// weighted by those counts: <see cref="MarkovAttribution.Compute"/> over the same <see cref="ChannelPath"/>s.
    /// </summary>
    /// <exception cref="ArgumentException">Counts of another length than <see cref="Count"/>, or a negative count on a
    /// path with a positive total.</exception>
    public ChannelWeights Compute(long[] conversions, long[] nonConversions) =>
        MarkovAttribution.Solve(Chain(conversions, nonConversions), AbsorbingChainSolver.DefaultDenseLimit).Attribution;

    /// <summary>
    /// The chain of the paths with a positive total count. Its channels are those of the counted paths, or with
    /// <paramref name="everyChannel"/> those of every path (as <see cref="MarkovChain.Build"/> keeps them).
    /// </summary>
    internal MarkovChain Chain(long[] conversions, long[] nonConversions, bool everyChannel = false)
    {
        ArgumentNullException.ThrowIfNull(conversions);
        ArgumentNullException.ThrowIfNull(nonConversions);
        if (conversions.Length != Count || nonConversions.Length != Count)
            throw new ArgumentException($"Counts must have one entry per path ({Count}).", nameof(conversions));
        var transitionWeights = new long[_transitions.Length];
        var stateConversions = new long[_stateKeys.Length];
        var stateNulls = new long[_stateKeys.Length];
        var stateUsed = new bool[_stateKeys.Length];
        var channelUsed = new bool[_names.Length];
        if (everyChannel)
            Array.Fill(channelUsed, true);
        var any = false;
        for (var i = 0; i < Count; i++)
        {
            var weight = checked(conversions[i] + nonConversions[i]);
            if (weight <= 0)
                continue;
            if (conversions[i] < 0 || nonConversions[i] < 0)
                throw new ArgumentException($"Path {i} has a negative count.", nameof(conversions));
            any = true;
            foreach (var id in _channelsOf[i])
                channelUsed[id] = true;
            for (var s = _stepStart[i]; s < _stepStart[i + 1]; s++)
            {
                var t = _steps[s];
                transitionWeights[t] = checked(transitionWeights[t] + weight);
                stateUsed[(int)(_transitions[t] & uint.MaxValue)] = true;
            }
            stateConversions[_endOf[i]] = checked(stateConversions[_endOf[i]] + conversions[i]);
            stateNulls[_endOf[i]] = checked(stateNulls[_endOf[i]] + nonConversions[i]);
        }

        // The channels of the counted paths, renumbered densely in the same (ordinal) order.
        var local = new int[_names.Length];
        var channels = new List<string>();
        for (var id = 0; id < _names.Length; id++)
        {
            local[id] = channelUsed[id] ? channels.Count : -1;
            if (channelUsed[id])
                channels.Add(_names[id]);
        }
        if (!any)
            return MarkovChain.Empty([.. channels]);

        stateUsed[0] = true;
        var index = new int[_stateKeys.Length];
        var keys = new List<ulong>();
        var endConversions = new List<long>();
        var endNulls = new List<long>();
        for (var state = 0; state < _stateKeys.Length; state++)
        {
            index[state] = -1;
            if (!stateUsed[state])
                continue;
            index[state] = keys.Count;
            keys.Add(Renumber(_stateKeys[state], local));
            endConversions.Add(stateConversions[state]);
            endNulls.Add(stateNulls[state]);
        }
        var edges = new List<ulong>();
        var weights = new List<long>();
        for (var t = 0; t < _transitions.Length; t++)
        {
            if (transitionWeights[t] == 0)
                continue;
            edges.Add(((ulong)index[(int)(_transitions[t] >> 32)] << 32) | (uint)index[(int)(_transitions[t] & uint.MaxValue)]);
            weights.Add(transitionWeights[t]);
        }
        return MarkovChain.FromCounts([.. channels], [.. keys], [.. endConversions], [.. endNulls], [.. edges], [.. weights]);
    }

    /// <summary>A state key over global channel ids as the same key over the counted channels' ids.</summary>
    private static ulong Renumber(ulong key, int[] local)
    {
        var result = 0UL;
        for (var slot = 0; slot < MarkovOptions.MaxOrder && key >> (slot * MarkovChain.SlotBits) != 0; slot++)
        {
            var id = (int)((key >> (slot * MarkovChain.SlotBits)) & MarkovChain.SlotMask) - 1;
            result |= (ulong)(uint)(local[id] + 1) << (slot * MarkovChain.SlotBits);
        }
        return result;
    }
}
