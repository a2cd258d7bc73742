using ClosedLoop.Core.Attribution;

namespace ClosedLoop.Tests.Attribution;

public sealed class MarkovAttributionTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Order_1_chain_with_a_loop_matches_the_hand_solution()
    {
        // Paths: A>B>A>C converts 1, B>C fails 1, A>B fails 1, C converts 1.
        // Transition counts: start: A 2, B 1, C 1 (of 4).  A: B 2, C 1 (of 3).  B: A 1, C 1, null 1 (of 3).
        // C: conversion 2, null 1 (of 3).
        // x_C = 2/3; x_B = x_A/3 + x_C/3; x_A = 2/3 x_B + 1/3 x_C = 2/9 x_A + 5/9 x_C, so x_A = 5/7 x_C = 10/21,
        // x_B = 10/63 + 14/63 = 8/21.  P = 2/4·10/21 + 1/4·8/21 + 1/4·14/21 = 1/2.
        // Without A: x_B = 1/3·2/3 = 2/9, P' = 1/4·2/9 + 1/4·2/3 = 2/9, effect 1 − (2/9)/(1/2) = 5/9.
        // Without B: x_A = 1/3·2/3 = 2/9, P' = 1/2·2/9 + 1/4·2/3 = 5/18, effect 1 − 5/9 = 4/9.
        // Without C: nothing reaches conversion, P' = 0, effect 1.
        // Effects sum to 2: weights A 5/18, B 2/9, C 1/2.
        var result = MarkovAttribution.Solve(
            [Path("A>B>A>C", 1, 0), Path("B>C", 0, 1), Path("A>B", 0, 1), Path("C", 1, 0)],
            new MarkovOptions());

        Assert.Equal(0.5, result.BaseConversionRate, Tolerance);
        Assert.Equal(4, result.TransientStates);
        Assert.Equal(2.0 / 9, result.ConversionRateWithout["A"], Tolerance);
        Assert.Equal(5.0 / 18, result.ConversionRateWithout["B"], Tolerance);
        Assert.Equal(0.0, result.ConversionRateWithout["C"], Tolerance);
        var scores = result.Attribution.Scores;
        Assert.Equal(5.0 / 9, scores["A"], Tolerance);
        Assert.Equal(4.0 / 9, scores["B"], Tolerance);
        Assert.Equal(1.0, scores["C"], Tolerance);
        var weights = result.Attribution.Weights;
        Assert.Equal(5.0 / 18, weights["A"], Tolerance);
        Assert.Equal(2.0 / 9, weights["B"], Tolerance);
        Assert.Equal(0.5, weights["C"], Tolerance);
        Assert.Equal(["A", "B", "C"], weights.Keys);
    }

    [Fact]
    public void Order_2_example_matches_the_hand_solution_and_differs_from_order_1()
    {
        // Paths: A>B converts 1, C>B converts 1, A>B>A>B fails 1.
        // Order 2 states: start, (A), (C), (A,B), (B,A), (C,B).
        // start: (A) 2, (C) 1.  (A): (A,B) 2.  (C): (C,B) 1.  (A,B): conversion 1, (B,A) 1, null 1.  (B,A): (A,B) 1.
        // (C,B): conversion 1.
        // x_(A,B) = 1/3 + 1/3 x_(B,A) = 1/3 + 1/3 x_(A,B), so x_(A,B) = 1/2; x_(C,B) = 1; P = 2/3·1/2 + 1/3·1 = 2/3.
        // Without A ((A), (A,B), (B,A) gone): P' = 1/3, effect 1/2.  Without B: P' = 0, effect 1.
        // Without C ((C), (C,B) gone): P' = 2/3·1/2 = 1/3, effect 1/2.  Weights 1/4, 1/2, 1/4.
        List<ChannelPath> paths = [Path("A>B", 1, 0), Path("C>B", 1, 0), Path("A>B>A>B", 0, 1)];
        var second = MarkovAttribution.Solve(paths, new MarkovOptions(Order: 2));

        Assert.Equal(6, second.TransientStates);
        Assert.Equal(2.0 / 3, second.BaseConversionRate, Tolerance);
        Assert.Equal(1.0 / 3, second.ConversionRateWithout["A"], Tolerance);
        Assert.Equal(0.0, second.ConversionRateWithout["B"], Tolerance);
        Assert.Equal(1.0 / 3, second.ConversionRateWithout["C"], Tolerance);
        Assert.Equal(0.5, second.Attribution.Scores["A"], Tolerance);
        Assert.Equal(1.0, second.Attribution.Scores["B"], Tolerance);
        Assert.Equal(0.5, second.Attribution.Scores["C"], Tolerance);
        Assert.Equal(0.25, second.Attribution.Weights["A"], Tolerance);
        Assert.Equal(0.5, second.Attribution.Weights["B"], Tolerance);
        Assert.Equal(0.25, second.Attribution.Weights["C"], Tolerance);

        // Order 1 pools the histories: start: A 2, C 1.  A: B 3.  C: B 1.  B: conversion 2, A 1, null 1 (of 4).
        // x_B = 1/2 + 1/4 x_A and x_A = x_B, so x_B = 2/3 = x_A = x_C and P = 2/3.
        // Without A: x_B = 1/2, P' = 1/3·1/2 = 1/6, effect 3/4.  Without B: effect 1.
        // Without C: P' = 2/3·2/3 = 4/9, effect 1/3.  Sum 25/12: weights 9/25, 12/25, 4/25.
        var first = MarkovAttribution.Solve(paths, new MarkovOptions(Order: 1));
        Assert.Equal(4, first.TransientStates);
        Assert.Equal(2.0 / 3, first.BaseConversionRate, Tolerance);
        Assert.Equal(0.75, first.Attribution.Scores["A"], Tolerance);
        Assert.Equal(1.0, first.Attribution.Scores["B"], Tolerance);
        Assert.Equal(1.0 / 3, first.Attribution.Scores["C"], Tolerance);
        Assert.Equal(9.0 / 25, first.Attribution.Weights["A"], Tolerance);
        Assert.Equal(12.0 / 25, first.Attribution.Weights["B"], Tolerance);
        Assert.Equal(4.0 / 25, first.Attribution.Weights["C"], Tolerance);
    }

    [Fact]
    public void Collapsing_repeats_at_order_1_only_removes_self_loops_which_do_not_change_absorption()
    {
        // Paths: A>A>B converts 1, A>C fails 1.
        // Collapsed: A: B 1, C 1, so x_A = 1/2 and P = 1/2.
        // Not collapsed: A: A 1, B 1, C 1, so x_A = x_A/3 + 1/3 + 0, x_A = 1/2 again: a self-loop only rescales the
        // other exits. The states are the same (start, A, B, C); effects A 1, B 1, C 0 either way.
        List<ChannelPath> paths = [Path("A>A>B", 1, 0), Path("A>C", 0, 1)];
        var collapsed = MarkovAttribution.Solve(paths, new MarkovOptions(CollapseRepeats: true));
        var kept = MarkovAttribution.Solve(paths, new MarkovOptions(CollapseRepeats: false));

        foreach (var result in new[] { collapsed, kept })
        {
            Assert.Equal(4, result.TransientStates);
            Assert.Equal(0.5, result.BaseConversionRate, Tolerance);
            Assert.Equal(1.0, result.Attribution.Scores["A"], Tolerance);
            Assert.Equal(1.0, result.Attribution.Scores["B"], Tolerance);
            Assert.Equal(0.0, result.Attribution.Scores["C"], Tolerance);
            Assert.Equal(0.5, result.Attribution.Weights["A"], Tolerance);
            Assert.Equal(0.5, result.Attribution.Weights["B"], Tolerance);
            Assert.Equal(0.0, result.Attribution.Weights["C"], Tolerance);
        }
    }

    [Fact]
    public void Collapsing_repeats_at_order_2_removes_the_repeat_state_and_changes_credit()
    {
        // Paths: X>A>A>Y converts 1, Z>A>A>W fails 1.
        // Collapsed to X>A>Y and Z>A>W the order-2 chain is two separate branches:
        // start, (X), (X,A), (A,Y) → conversion and (Z), (Z,A), (A,W) → null: 7 states, P = 1/2.
        // Without X, A or Y nothing converts (effect 1); without Z or W, P' = 1/2 (effect 0). Weights X, A, Y 1/3.
        List<ChannelPath> paths = [Path("X>A>A>Y", 1, 0), Path("Z>A>A>W", 0, 1)];
        var collapsed = MarkovAttribution.Solve(paths, new MarkovOptions(Order: 2));
        Assert.Equal(7, collapsed.TransientStates);
        Assert.Equal(0.5, collapsed.BaseConversionRate, Tolerance);
        Assert.Equal(1.0 / 3, collapsed.Attribution.Weights["X"], Tolerance);
        Assert.Equal(1.0 / 3, collapsed.Attribution.Weights["A"], Tolerance);
        Assert.Equal(1.0 / 3, collapsed.Attribution.Weights["Y"], Tolerance);
        Assert.Equal(0.0, collapsed.Attribution.Scores["Z"], Tolerance);
        Assert.Equal(0.0, collapsed.Attribution.Scores["W"], Tolerance);

        // Kept, both branches pass through the shared state (A,A): 8 states.
        // (A,A): (A,Y) 1, (A,W) 1, so x_(A,A) = 1/2 = x_(X) = x_(Z) and P = 1/2.
        // Without X: P' = 1/2·1/2 = 1/4, effect 1/2; the same for Z, although Z is only on a failing path.
        // Without A or Y: P' = 0, effect 1.  Without W: P' = 1/2, effect 0.
        // Effects sum to 3: weights X 1/6, Z 1/6, A 1/3, Y 1/3, W 0.
        var kept = MarkovAttribution.Solve(paths, new MarkovOptions(Order: 2, CollapseRepeats: false));
        Assert.Equal(8, kept.TransientStates);
        Assert.Equal(0.5, kept.BaseConversionRate, Tolerance);
        Assert.Equal(0.25, kept.ConversionRateWithout["X"], Tolerance);
        Assert.Equal(0.25, kept.ConversionRateWithout["Z"], Tolerance);
        Assert.Equal(0.5, kept.Attribution.Scores["X"], Tolerance);
        Assert.Equal(0.5, kept.Attribution.Scores["Z"], Tolerance);
        Assert.Equal(1.0, kept.Attribution.Scores["A"], Tolerance);
        Assert.Equal(1.0, kept.Attribution.Scores["Y"], Tolerance);
        Assert.Equal(0.0, kept.Attribution.Scores["W"], Tolerance);
        Assert.Equal(1.0 / 6, kept.Attribution.Weights["X"], Tolerance);
        Assert.Equal(1.0 / 6, kept.Attribution.Weights["Z"], Tolerance);
        Assert.Equal(1.0 / 3, kept.Attribution.Weights["A"], Tolerance);
        Assert.Equal(1.0 / 3, kept.Attribution.Weights["Y"], Tolerance);
        Assert.Equal(0.0, kept.Attribution.Weights["W"], Tolerance);
    }

    [Fact]
    public void Order_4_over_short_paths_is_a_prefix_tree_with_the_observed_conversion_rate()
    {
        // Every history is a whole prefix, so the chain is a tree and P is conversions over persons:
        // A>B>C>D 3 of 4, A>B 0 of 4, B>A>C 2 of 4, no touchpoint 1 of 4: P = 6/16.
        // Without A, B or C only the persons with no touchpoint convert: P' = 1/16, effect 5/6.
        // Without D: P' = (2 + 1)/16, effect 1/2.  Sum 3: weights A, B, C 5/18, D 1/6.
        // States: start, (A), (A,B), (A,B,C), (A,B,C,D), (B), (B,A), (B,A,C).
        var result = MarkovAttribution.Solve(
            [Path("A>B>C>D", 3, 1), Path("A>B", 0, 4), Path("B>A>C", 2, 2), Path("", 1, 3)],
            new MarkovOptions(Order: 4));

        Assert.Equal(8, result.TransientStates);
        Assert.Equal(6.0 / 16, result.BaseConversionRate, Tolerance);
        Assert.Equal(1.0 / 16, result.ConversionRateWithout["A"], Tolerance);
        Assert.Equal(3.0 / 16, result.ConversionRateWithout["D"], Tolerance);
        Assert.Equal(5.0 / 6, result.Attribution.Scores["B"], Tolerance);
        Assert.Equal(5.0 / 18, result.Attribution.Weights["A"], Tolerance);
        Assert.Equal(5.0 / 18, result.Attribution.Weights["B"], Tolerance);
        Assert.Equal(5.0 / 18, result.Attribution.Weights["C"], Tolerance);
        Assert.Equal(1.0 / 6, result.Attribution.Weights["D"], Tolerance);
    }

    [Fact]
    public void A_channel_only_at_the_end_of_failing_paths_gets_nothing()
    {
        // A converts 1 of 2 directly; A>N fails 1. N only leads to null, so removing it changes nothing:
        // start: A 2.  A: conversion 1, N 1.  N: null 1.  P = 1/2 with or without N.
        var result = MarkovAttribution.Solve([Path("A", 1, 0), Path("A>N", 0, 1)], new MarkovOptions());
        Assert.Equal(0.5, result.BaseConversionRate, Tolerance);
        Assert.Equal(0.0, result.Attribution.Scores["N"]);
        Assert.Equal(0.0, result.Attribution.Weights["N"]);
        Assert.Equal(1.0, result.Attribution.Weights["A"]);
    }

    [Theory]
    [InlineData(1, true, 1500)]
    [InlineData(2, true, 1500)]
    [InlineData(3, false, 1500)]
    [InlineData(4, true, 1500)]
    [InlineData(2, true, 1)]
    [InlineData(4, false, 1)]
    public void P_from_start_is_the_observed_conversion_rate_of_the_paths(int order, bool collapse, int denseLimit)
    {
        // Counts from whole paths conserve flow: every state is left as often as it is entered. So the expected visits
        // from start are the visit counts over the number of paths, and P = Σ visits·P(conversion | state) = conversions
        // over paths, whatever the order and however many loops (Gauss-Seidel too when the dense limit is 1).
        var paths = TestPaths.Random(seed: 5, count: 500, channels: 7, maxLength: 14);
        long conversions = 0, total = 0;
        foreach (var path in paths)
        {
            conversions += path.Conversions;
            total += path.Conversions + path.NonConversions;
        }
        var result = MarkovAttribution.Solve(paths, new MarkovOptions(order, collapse), denseLimit);
        Assert.Equal(conversions / (double)total, result.BaseConversionRate, 1e-13);
    }

    [Fact]
    public void Same_input_twice_and_in_any_order_gives_bit_identical_results()
    {
        var paths = TestPaths.Random(seed: 7, count: 400, channels: 9, maxLength: 9);
        foreach (var options in new[] { new MarkovOptions(), new MarkovOptions(Order: 3), new MarkovOptions(Order: 2, CollapseRepeats: false) })
        {
            var reference = MarkovAttribution.Solve(paths, options);
            Assert.True(reference.BaseConversionRate > 0);
            AssertIdentical(reference, MarkovAttribution.Solve(paths, options));

            var reversed = new List<ChannelPath>(paths);
            reversed.Reverse();
            AssertIdentical(reference, MarkovAttribution.Solve(reversed, options));

            // The same persons split over two entries per path: the counts, and so the chain, are the same.
            var split = new List<ChannelPath>();
            foreach (var path in paths)
            {
                split.Add(path with { Conversions = path.Conversions / 2, NonConversions = path.NonConversions / 2 });
                split.Insert(0, path with { Conversions = path.Conversions - (path.Conversions / 2), NonConversions = path.NonConversions - (path.NonConversions / 2) });
            }
            AssertIdentical(reference, MarkovAttribution.Solve(split, options));
        }
    }

    [Fact]
    public void Gauss_Seidel_for_large_components_agrees_with_elimination()
    {
        var paths = TestPaths.Random(seed: 11, count: 300, channels: 6, maxLength: 12);
        foreach (var order in new[] { 1, 2, 3 })
        {
            var options = new MarkovOptions(Order: order);
            var dense = MarkovAttribution.Solve(paths, options);
            // A dense limit of 1 sends every loop (component of two or more states) to Gauss-Seidel.
            var iterative = MarkovAttribution.Solve(paths, options, denseLimit: 1);
            Assert.Equal(dense.BaseConversionRate, iterative.BaseConversionRate, 1e-13);
            foreach (var (channel, score) in dense.Attribution.Scores)
                Assert.Equal(score, iterative.Attribution.Scores[channel], 1e-12);
        }
    }

    [Fact]
    public void Empty_input_gives_empty_results()
    {
        var result = MarkovAttribution.Solve([], new MarkovOptions());
        Assert.Empty(result.Attribution.Weights);
        Assert.Empty(result.Attribution.Scores);
        Assert.Empty(result.ConversionRateWithout);
        Assert.Equal(0.0, result.BaseConversionRate);
        Assert.Equal(0, result.TransientStates);
    }

    [Fact]
    public void No_conversions_gives_zero_scores_and_no_weights()
    {
        var weights = MarkovAttribution.Compute([Path("A>B", 0, 5), Path("B", 0, 2), Path("C", 0, 0)], new MarkovOptions());
        Assert.Empty(weights.Weights);
        Assert.Equal(["A", "B", "C"], weights.Scores.Keys);
        Assert.All(weights.Scores.Values, score => Assert.Equal(0.0, score));
    }

    [Fact]
    public void A_single_channel_gets_all_the_credit()
    {
        var result = MarkovAttribution.Solve([Path("A>A>A", 2, 3), Path("A", 1, 4)], new MarkovOptions(Order: 3));
        // Collapsed, both paths are A: start → (A) → conversion 3 of 10.
        Assert.Equal(0.3, result.BaseConversionRate, Tolerance);
        Assert.Equal(1.0, result.Attribution.Scores["A"]);
        Assert.Equal(1.0, result.Attribution.Weights["A"]);
    }

    [Fact]
    public void A_channel_only_on_paths_without_counts_is_scored_zero()
    {
        var weights = MarkovAttribution.Compute([Path("A", 1, 1), Path("B>A", 0, 0)], new MarkovOptions());
        Assert.Equal(1.0, weights.Weights["A"]);
        Assert.Equal(0.0, weights.Weights["B"]);
        Assert.Equal(0.0, weights.Scores["B"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void Order_outside_1_to_4_is_rejected(int order)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarkovOptions(Order: order));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarkovOptions() with { Order = order });
    }

    [Fact]
    public void Bad_paths_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => MarkovAttribution.Compute(null!, new MarkovOptions()));
        Assert.Throws<ArgumentNullException>(() => MarkovAttribution.Compute([], null!));
        Assert.Throws<ArgumentException>(() => MarkovAttribution.Compute([Path("A", -1, 0)], new MarkovOptions()));
        Assert.Throws<ArgumentException>(() => MarkovAttribution.Compute([Path("A", 0, -1)], new MarkovOptions()));
        Assert.Throws<ArgumentException>(() => MarkovAttribution.Compute([null!], new MarkovOptions()));
        Assert.Throws<ArgumentException>(() => MarkovAttribution.Compute([new ChannelPath(["A", null!], 1, 0)], new MarkovOptions()));
    }

    private static ChannelPath Path(string channels, long conversions, long nonConversions) =>
        new(channels.Length == 0 ? [] : channels.Split('>'), conversions, nonConversions);

    private static void AssertIdentical(MarkovResult expected, MarkovResult actual)
    {
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.BaseConversionRate), BitConverter.DoubleToInt64Bits(actual.BaseConversionRate));
        Assert.Equal(expected.TransientStates, actual.TransientStates);
        TestPaths.AssertIdentical(expected.Attribution, actual.Attribution);
        TestPaths.AssertIdentical(expected.ConversionRateWithout, actual.ConversionRateWithout);
    }
}
