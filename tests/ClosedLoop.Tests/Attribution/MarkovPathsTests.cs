using ClosedLoop.Core.Attribution;

namespace ClosedLoop.Tests.Attribution;

/// <summary>Paths prepared once must attribute exactly as the one-shot Markov attribution of the same counted paths.</summary>
public sealed class MarkovPathsTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void Each_set_of_counts_attributes_bit_for_bit_as_the_one_shot_solver(int order, bool collapse)
    {
        var options = new MarkovOptions(order, collapse);
        var paths = TestPaths.Random(seed: 7, count: 400, channels: 9, maxLength: 7);
        var prepared = new MarkovPaths(paths.Select(p => p.Channels).ToList(), options);
        // Several sets of counts over the same paths, as conversion types are: some paths uncounted (their channels
        // then leave the result when no counted path has them), some with conversions only.
        for (var set = 0; set < 4; set++)
        {
            var conversions = new long[paths.Count];
            var nonConversions = new long[paths.Count];
            var counted = new List<ChannelPath>();
            for (var i = 0; i < paths.Count; i++)
            {
                var skip = (i + set) % (set + 2) == 0 || (set == 3 && paths[i].Channels.Contains("chd"));
                conversions[i] = skip ? 0 : (paths[i].Conversions + set) % 5;
                nonConversions[i] = skip ? 0 : paths[i].NonConversions * set;
                if (conversions[i] + nonConversions[i] > 0)
                    counted.Add(new ChannelPath(paths[i].Channels, conversions[i], nonConversions[i]));
            }
            var expected = MarkovAttribution.Compute(counted, options);
            TestPaths.AssertIdentical(expected, prepared.Compute(conversions, nonConversions));
            if (set == 3)
                Assert.DoesNotContain("chd", prepared.Compute(conversions, nonConversions).Scores.Keys);
        }
    }

    [Fact]
    public void No_counted_path_gives_the_empty_attribution()
    {
        var prepared = new MarkovPaths([["a", "b"], ["b"]], new MarkovOptions());
        var weights = prepared.Compute([0, 0], [0, 0]);
        TestPaths.AssertIdentical(MarkovAttribution.Compute([], new MarkovOptions()), weights);
        Assert.Empty(weights.Weights);
    }

    [Fact]
    public void Counts_of_another_length_or_negative_counts_are_refused()
    {
        var prepared = new MarkovPaths([["a", "b"], ["b"]], new MarkovOptions());
        Assert.Throws<ArgumentException>(() => prepared.Compute([1], [1]));
        Assert.Throws<ArgumentException>(() => prepared.Compute([2, 1], [-1, 0]));
        Assert.Throws<ArgumentException>(() => new MarkovPaths([["a", null!]], new MarkovOptions()));
    }
}
