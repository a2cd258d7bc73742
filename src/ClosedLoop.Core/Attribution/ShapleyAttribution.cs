using System.Numerics;

namespace ClosedLoop.Core.Attribution;

/// <summary>
/// Data-driven attribution by Shapley values over channel sets. The value of a set S is v(S) = Σ r(T) over the
/// non-empty T ⊆ S, where r(T) is the conversion rate of the persons whose exact channel set was T: a coalition is worth
/// the conversion rates of every exposure pattern it covers.
/// </summary>
/// <remarks>
/// Up to <see cref="ExactChannelLimit"/> channels the values are exact: r per bitmask, v by a subset-sum (zeta)
/// transform in O(n·2ⁿ), then φᵢ = Σ over S ⊆ N∖{i} of |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)). Beyond that, φ is the
/// average marginal contribution over a fixed number of permutations drawn by <see cref="Xoshiro256StarStar"/> from the
/// seed, every second one the reverse of the one before (antithetic pairs, which cancel much of the sampling noise).
/// In a permutation the marginal contribution of i is the sum of r(T) over the observed sets T whose last member is i,
/// which is v evaluated on demand. Same input, samples and seed: same output, bit for bit.
/// Persons with no channel do not enter v (v(∅) = 0), so Σφ = v(N). Weights are max(φ, 0) normalised; with this v
/// every φ is ≥ 0 (each r(T) ≥ 0 is shared among T's members), so the clamp only guards against rounding.
/// </remarks>
public static class ShapleyAttribution
{
    /// <summary>Most channels solved exactly: 2¹⁶ coalition values, 0.5 MB and about a million operations.</summary>
    public const int ExactChannelLimit = 16;

    /// <summary>Permutations sampled beyond <see cref="ExactChannelLimit"/> unless told otherwise.</summary>
    public const int DefaultSamples = 4096;

    /// <summary>Seed of the permutation generator unless told otherwise.</summary>
    public const ulong DefaultSeed = 42;

    /// <summary>Shapley values (<see cref="ChannelWeights.Scores"/>) and their clamped, normalised shares.</summary>
    /// <param name="sets">Persons per exact channel set; equal sets (in any order, with repeats) are added together.</param>
    /// <param name="samples">Permutations averaged when there are more than <see cref="ExactChannelLimit"/> channels.</param>
    /// <param name="seed">Seed of those permutations.</param>
    /// <exception cref="ArgumentException">A null entry, channel list or channel, a negative count or more conversions than persons.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is less than 1.</exception>
    public static ChannelWeights Compute(IEnumerable<ChannelSetCount> sets, int samples = DefaultSamples, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var (channels, observed) = Observe(sets);
        var shapley = channels.Length <= ExactChannelLimit
            ? Exact(channels.Length, observed)
            : Sampled(channels.Length, observed, samples, seed);
        return ChannelWeights.FromScores(channels, shapley);
    }

    /// <summary>v by zeta transform, then the Shapley sum over all coalitions.</summary>
    private static double[] Exact(int n, List<ObservedSet> observed)
    {
        var phi = new double[n];
        if (n == 0)
            return phi;
        var v = new double[1 << n];
        foreach (var set in observed)
        {
            var mask = 0;
            foreach (var member in set.Members)
                mask |= 1 << member;
            v[mask] = set.Rate;
        }
        for (var i = 0; i < n; i++)
        {
            var bit = 1 << i;
            for (var mask = 0; mask < v.Length; mask++)
            {
                if ((mask & bit) != 0)
                    v[mask] += v[mask ^ bit];
            }
        }

        // |S|!(n−|S|−1)!/n! = 1 / (n · C(n−1, |S|)); the binomials are exact in a double for n ≤ 16.
        var coalitionWeight = new double[n];
        var binomial = 1.0;
        for (var s = 0; s < n; s++)
        {
            coalitionWeight[s] = 1.0 / (n * binomial);
            binomial = binomial * (n - 1 - s) / (s + 1);
        }
        for (var i = 0; i < n; i++)
        {
            var bit = 1 << i;
            var sum = 0.0;
            for (var mask = 0; mask < v.Length; mask++)
            {
                if ((mask & bit) == 0)
                    sum += coalitionWeight[BitOperations.PopCount((uint)mask)] * (v[mask | bit] - v[mask]);
            }
            phi[i] = sum;
        }
        return phi;
    }

    /// <summary>Average of marginal contributions over seeded permutations, in antithetic pairs.</summary>
    private static double[] Sampled(int n, List<ObservedSet> observed, int samples, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var order = new int[n];
        for (var i = 0; i < n; i++)
            order[i] = i;
        var position = new int[n];
        var totals = new double[n];
        for (var sample = 0; sample < samples; sample++)
        {
            var reversed = (sample & 1) == 1;
            if (!reversed)
            {
                // Fisher–Yates over the previous permutation: uniform whatever it started from.
                for (var i = n - 1; i > 0; i--)
                {
                    var j = (int)random.NextBelow((ulong)(i + 1));
                    (order[i], order[j]) = (order[j], order[i]);
                }
                for (var i = 0; i < n; i++)
                    position[order[i]] = i;
            }

            // Joining in permutation order, T's rate is added when its last member joins; in the reversed permutation
            // that is the member that came first.
            foreach (var set in observed)
            {
                var members = set.Members;
                var chosen = members[0];
                for (var m = 1; m < members.Length; m++)
                {
                    var later = position[members[m]] > position[chosen];
                    if (later != reversed)
                        chosen = members[m];
                }
                totals[chosen] += set.Rate;
            }
        }
        for (var i = 0; i < n; i++)
            totals[i] /= samples;
        return totals;
    }

    /// <summary>
    /// Channels in ordinal order and one entry per distinct non-empty set with persons, members as sorted channel ids,
    /// the sets in a canonical order so the sampled sums do not depend on the input order.
    /// </summary>
    private static (string[] Channels, List<ObservedSet> Observed) Observe(IEnumerable<ChannelSetCount> sets)
    {
        var (list, channels, ids) = ChannelCatalog.Collect(sets, s => s.Channels, Problem, nameof(sets));

        var totals = new Dictionary<int[], (long Persons, long Conversions)>(MembersComparer.Instance);
        var scratch = new List<int>();
        foreach (var set in list)
        {
            scratch.Clear();
            for (var i = 0; i < set.Channels.Count; i++)
                scratch.Add(ids[set.Channels[i]]);
            scratch.Sort();
            var members = new int[scratch.Count];
            var count = 0;
            for (var i = 0; i < scratch.Count; i++)
            {
                if (count == 0 || members[count - 1] != scratch[i])
                    members[count++] = scratch[i];
            }
            Array.Resize(ref members, count);
            totals.TryGetValue(members, out var sum);
            totals[members] = (checked(sum.Persons + set.Persons), checked(sum.Conversions + set.Conversions));
        }

        var observed = new List<ObservedSet>(totals.Count);
        foreach (var (members, sum) in totals)
        {
            if (members.Length > 0 && sum.Persons > 0)
                observed.Add(new ObservedSet(members, sum.Conversions / (double)sum.Persons));
        }
        observed.Sort(static (a, b) => MembersComparer.Compare(a.Members, b.Members));
        return (channels, observed);
    }

    private static string? Problem(ChannelSetCount? set, int index)
    {
        if (set is null)
            return $"Set {index} is null.";
        if (set.Channels is null)
            return $"Set {index} has no channel list.";
        if (set.Persons < 0 || set.Conversions < 0)
            return $"Set {index} has a negative count.";
        if (set.Conversions > set.Persons)
            return $"Set {index} has more conversions ({set.Conversions}) than persons ({set.Persons}).";
        for (var i = 0; i < set.Channels.Count; i++)
        {
            if (set.Channels[i] is null)
                return $"Set {index} has a null channel at position {i}.";
        }
        return null;
    }

    /// <summary>A distinct exposure set T (sorted channel ids) with r(T).</summary>
    private readonly record struct ObservedSet(int[] Members, double Rate);

    /// <summary>Sorted id arrays compared by content: shorter first, then element by element.</summary>
    private sealed class MembersComparer : IEqualityComparer<int[]>
    {
        public static readonly MembersComparer Instance = new();

        public static int Compare(int[] a, int[] b)
        {
            if (a.Length != b.Length)
                return a.Length.CompareTo(b.Length);
            return a.AsSpan().SequenceCompareTo(b);
        }

        public bool Equals(int[]? x, int[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            foreach (var member in obj)
                hash.Add(member);
            return hash.ToHashCode();
        }
    }
}
