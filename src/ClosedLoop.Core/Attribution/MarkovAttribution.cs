using System.Collections.ObjectModel;

namespace ClosedLoop.Core.Attribution;

/// <summary>
/// Data-driven attribution by removal effects in the absorbing Markov chain of channel paths (start, channel histories,
/// conversion, null), solved exactly as a linear system so the result never changes between runs.
/// </summary>
/// <remarks>
/// A state of order k is the tuple of the latest up to k channels, so a path's first steps have shorter histories
/// (order 2: start → (A) → (A, B) → (B, C) …). Transition probabilities come from counts over all paths: a path's
/// steps weigh Conversions + NonConversions, its last state moves to conversion with weight Conversions and to null
/// with weight NonConversions. The removal effect of a channel is 1 − P′/P, where P is P(conversion) from start and
/// P′ the same with every state whose history contains the channel redirected to null; weights are the removal
/// effects normalised to sum 1. Because transitions are pooled over paths, a channel seen only on non-converting paths
/// still gets credit when its states lead into states that convert. See <see cref="AbsorbingChainSolver"/> for the
/// solver.
/// </remarks>
public static class MarkovAttribution
{
    /// <summary>Removal effects (<see cref="ChannelWeights.Scores"/>) and their shares.</summary>
    /// <exception cref="ArgumentException">A null path, channel list or channel, or a negative count.</exception>
    public static ChannelWeights Compute(IEnumerable<ChannelPath> paths, MarkovOptions options) =>
        Solve(paths, options).Attribution;

    /// <summary>The attribution together with P(conversion) from start, with and without each channel.</summary>
    /// <exception cref="ArgumentException">A null path, channel list or channel, or a negative count.</exception>
    public static MarkovResult Solve(IEnumerable<ChannelPath> paths, MarkovOptions options) =>
        Solve(paths, options, AbsorbingChainSolver.DefaultDenseLimit);

    /// <summary>As the public overload, with the largest component solved densely set (tests force Gauss–Seidel with it).</summary>
    internal static MarkovResult Solve(IEnumerable<ChannelPath> paths, MarkovOptions options, int denseLimit) =>
        Solve(MarkovChain.Build(paths, options), denseLimit);

    /// <summary>Removal effects in a built chain (<see cref="MarkovPaths"/> builds one per set of counts).</summary>
    internal static MarkovResult Solve(MarkovChain chain, int denseLimit)
    {
        var solver = new AbsorbingChainSolver(chain, denseLimit);
        var channels = chain.Channels;
        var baseRate = solver.ConversionFromStart();
        var without = new double[channels.Length];
        var effects = new double[channels.Length];
        if (baseRate > 0)
        {
            var removed = new bool[chain.StateCount];
            for (var c = 0; c < channels.Length; c++)
            {
                var states = chain.StatesByChannel[c];
                if (states.Length == 0)
                {
                    // Named only on paths with no count: not in the chain, nothing to remove.
                    without[c] = baseRate;
                    continue;
                }
                foreach (var state in states)
                    removed[state] = true;
                without[c] = solver.ConversionFromStart(removed);
                foreach (var state in states)
                    removed[state] = false;
                // P' <= P in exact arithmetic; the clamp only absorbs rounding.
                effects[c] = Math.Clamp(1 - (without[c] / baseRate), 0, 1);
            }
        }

        var withoutMap = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var c = 0; c < channels.Length; c++)
            withoutMap.Add(channels[c], without[c]);
        return new MarkovResult(
            ChannelWeights.FromScores(channels, effects),
            baseRate,
            new ReadOnlyDictionary<string, double>(withoutMap),
            chain.StateCount);
    }
}
