using ClosedLoop.Core.Attribution;

namespace ClosedLoop.Tests.Attribution;

public sealed class ShapleyAttributionTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Exact_three_channels_match_the_hand_computation()
    {
        // r(T) = conversions / persons per exact set:
        //   r(A) = 1/10 = 0.1, r(B) = 2/10 = 0.2, r(C) = 0/5 = 0,
        //   r(AB) = (1 + 2)/(4 + 6) = 0.3 (given twice, once as B,A), r(AC) = 2/4 = 0.5, r(BC) = 1/4 = 0.25,
        //   r(ABC) = 3/5 = 0.6 (given with a repeated A); persons with no channel (1 of 100) are left out of v.
        // v(S) = Σ r(T) over T ⊆ S:
        //   v(A) = 0.1, v(B) = 0.2, v(C) = 0, v(AB) = 0.6, v(AC) = 0.6, v(BC) = 0.45, v(ABC) = 1.95.
        // Coalition weights for n = 3: |S| = 0 → 1/3, |S| = 1 → 1/6, |S| = 2 → 1/3.
        //   φ_A = 0.1/3 + (0.6 − 0.2)/6 + (0.6 − 0)/6 + (1.95 − 0.45)/3 = 1/30 + 2/30 + 3/30 + 15/30 = 0.7
        //   φ_B = 0.2/3 + (0.6 − 0.1)/6 + (0.45 − 0)/6 + (1.95 − 0.6)/3 = 0.0667 + 0.0833 + 0.075 + 0.45 = 0.675
        //   φ_C = 0/3 + (0.6 − 0.1)/6 + (0.45 − 0.2)/6 + (1.95 − 0.6)/3 = 0.0833 + 0.0417 + 0.45 = 0.575
        // Σφ = 1.95 = v(ABC). Weights: 0.7/1.95 = 28/78, 0.675/1.95 = 27/78, 0.575/1.95 = 23/78.
        var weights = ShapleyAttribution.Compute(
        [
            Set("A", 10, 1), Set("B", 10, 2), Set("C", 5, 0),
            Set("A,B", 4, 1), Set("B,A", 6, 2), Set("A,C", 4, 2), Set("B,C", 4, 1),
            Set("A,B,C,A", 5, 3), Set("", 100, 1),
        ]);

        Assert.Equal(0.7, weights.Scores["A"], Tolerance);
        Assert.Equal(0.675, weights.Scores["B"], Tolerance);
        Assert.Equal(0.575, weights.Scores["C"], Tolerance);
        Assert.Equal(1.95, weights.Scores["A"] + weights.Scores["B"] + weights.Scores["C"], Tolerance);
        Assert.Equal(28.0 / 78, weights.Weights["A"], Tolerance);
        Assert.Equal(27.0 / 78, weights.Weights["B"], Tolerance);
        Assert.Equal(23.0 / 78, weights.Weights["C"], Tolerance);
        Assert.Equal(["A", "B", "C"], weights.Weights.Keys);
    }

    [Fact]
    public void Sixteen_channels_are_still_exact()
    {
        // Each channel alone converts 1 in 10; persons who saw all 16 convert 8 in 10.
        // By symmetry the full set's 0.8 splits evenly: φ_i = 0.1 + 0.8/16 = 0.15, and Σφ = 1.6 + 0.8 = 2.4 = v(N).
        var sets = Symmetric(16, pairs: false);
        var weights = ShapleyAttribution.Compute(sets);
        Assert.Equal(16, weights.Scores.Count);
        foreach (var (_, score) in weights.Scores)
            Assert.Equal(0.15, score, Tolerance);
        foreach (var (_, weight) in weights.Weights)
            Assert.Equal(1.0 / 16, weight, Tolerance);
    }

    [Fact]
    public void Sampled_beyond_sixteen_channels_is_deterministic_and_close_to_the_symmetric_answer()
    {
        // 17 channels: each alone converts 1 in 10, each neighbouring pair (i, i+1 mod 17) 2 in 10, all 17 together 8 in 10.
        // Every channel is in one singleton and two pairs, so by symmetry φ_i = 0.1 + 2·0.2/2 + 0.8/17 = 0.3 + 0.8/17
        // and each weight is 1/17; v(N) = 1.7 + 3.4 + 0.8 = 5.9.
        var sets = Symmetric(17, pairs: true);
        var weights = ShapleyAttribution.Compute(sets);
        var expected = 0.3 + (0.8 / 17);
        var sum = 0.0;
        foreach (var (_, score) in weights.Scores)
        {
            // The pairs are exact with antithetic permutations; the full set's share is sampled (sd ≈ 0.003).
            Assert.Equal(expected, score, 0.015);
            sum += score;
        }
        Assert.Equal(5.9, sum, 1e-9);
        foreach (var (_, weight) in weights.Weights)
            Assert.Equal(1.0 / 17, weight, 0.0025);

        TestPaths.AssertIdentical(weights, ShapleyAttribution.Compute(sets));
        var reversed = new List<ChannelSetCount>(sets);
        reversed.Reverse();
        TestPaths.AssertIdentical(weights, ShapleyAttribution.Compute(reversed));

        var otherSeed = ShapleyAttribution.Compute(sets, seed: 7);
        Assert.NotEqual(weights.Scores["c00"], otherSeed.Scores["c00"]);
        Assert.Equal(expected, otherSeed.Scores["c00"], 0.015);
    }

    [Fact]
    public void Sampling_is_exact_when_only_single_channels_convert()
    {
        // With only singleton sets every permutation credits r({i}) to i, whatever the order.
        var sets = new List<ChannelSetCount>();
        for (var i = 0; i < 20; i++)
            sets.Add(Set($"c{i:00}", 100, i));
        var weights = ShapleyAttribution.Compute(sets, samples: 3);
        // Σ r = (0 + 1 + … + 19)/100 = 1.9.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i / 100.0, weights.Scores[$"c{i:00}"], Tolerance);
            Assert.Equal(i / 190.0, weights.Weights[$"c{i:00}"], Tolerance);
        }
    }

    [Fact]
    public void Exact_results_do_not_depend_on_input_order()
    {
        List<ChannelSetCount> sets = [Set("A", 10, 1), Set("B,C", 7, 3), Set("A,B,C", 9, 4), Set("C", 3, 1), Set("A,C", 5, 0)];
        var reference = ShapleyAttribution.Compute(sets);
        var reversed = new List<ChannelSetCount>(sets);
        reversed.Reverse();
        TestPaths.AssertIdentical(reference, ShapleyAttribution.Compute(reversed));
        TestPaths.AssertIdentical(reference, ShapleyAttribution.Compute(sets));
    }

    [Fact]
    public void Empty_input_gives_empty_results()
    {
        var weights = ShapleyAttribution.Compute([]);
        Assert.Empty(weights.Weights);
        Assert.Empty(weights.Scores);
        Assert.Empty(ShapleyAttribution.Compute([Set("", 10, 3)]).Scores);
    }

    [Fact]
    public void No_conversions_gives_zero_scores_and_no_weights()
    {
        var weights = ShapleyAttribution.Compute([Set("A", 10, 0), Set("A,B", 3, 0), Set("C", 0, 0)]);
        Assert.Empty(weights.Weights);
        Assert.Equal(["A", "B", "C"], weights.Scores.Keys);
        Assert.All(weights.Scores.Values, score => Assert.Equal(0.0, score));
    }

    [Fact]
    public void A_single_channel_gets_all_the_credit()
    {
        var weights = ShapleyAttribution.Compute([Set("A", 8, 2), Set("A,A", 2, 1)]);
        // One set {A}: r = 3/10 = φ_A.
        Assert.Equal(0.3, weights.Scores["A"], Tolerance);
        Assert.Equal(1.0, weights.Weights["A"]);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => ShapleyAttribution.Compute(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShapleyAttribution.Compute([Set("A", 1, 1)], samples: 0));
        Assert.Throws<ArgumentException>(() => ShapleyAttribution.Compute([Set("A", 1, 2)]));
        Assert.Throws<ArgumentException>(() => ShapleyAttribution.Compute([Set("A", -1, 0)]));
        Assert.Throws<ArgumentException>(() => ShapleyAttribution.Compute([null!]));
        Assert.Throws<ArgumentException>(() => ShapleyAttribution.Compute([new ChannelSetCount(["A", null!], 1, 0)]));
    }

    private static ChannelSetCount Set(string channels, long persons, long conversions) =>
        new(channels.Length == 0 ? [] : channels.Split(','), persons, conversions);

    /// <summary>Channels c00.. each alone 1 in 10, optionally neighbouring pairs 2 in 10, all together 8 in 10.</summary>
    private static List<ChannelSetCount> Symmetric(int n, bool pairs)
    {
        var sets = new List<ChannelSetCount>();
        var all = new string[n];
        for (var i = 0; i < n; i++)
        {
            all[i] = $"c{i:00}";
            sets.Add(new ChannelSetCount([all[i]], 10, 1));
            if (pairs)
                sets.Add(new ChannelSetCount([$"c{i:00}", $"c{(i + 1) % n:00}"], 10, 2));
        }
        sets.Add(new ChannelSetCount(all, 10, 8));
        return sets;
    }
}
