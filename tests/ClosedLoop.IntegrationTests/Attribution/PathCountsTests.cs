using ClosedLoop.Lake.Attribution;

namespace ClosedLoop.IntegrationTests.Attribution;

/// <summary>
/// The solvers' distinct paths: each split into its values, and numbered by value set in the order a set's first path
/// comes (Shapley reads the sets). Sets are keyed by a bit per value up to 64 values and by their sorted values past that.
/// </summary>
public sealed class PathCountsTests
{
    private const char Separator = '\u001f';

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    [InlineData(63)] // with the empty path's value, 64: the last count keyed by bits
    [InlineData(64)]
    [InlineData(200)]
    public void Paths_split_into_their_values_and_share_a_set_exactly_when_their_distinct_values_match(int valueCount)
    {
        var random = new Random(valueCount);
        var values = Enumerable.Range(0, valueCount).Select(v => $"value {v:D3}").ToArray();
        var paths = Enumerable.Range(0, 2_000)
            .Select(_ => string.Join(Separator, Enumerable.Range(0, random.Next(1, 8)).Select(_ => values[random.Next(Math.Min(valueCount, 6 + random.Next(valueCount))) ])))
            .Append("").Distinct().ToArray();

        var counts = new DataDrivenWeights.PathCounts(paths, new long[paths.Length]);

        var expectedSets = new List<string>();
        for (var i = 0; i < paths.Length; i++)
        {
            Assert.Equal(paths[i].Split(Separator), counts.Values[i]);
            var set = string.Join(Separator, paths[i].Split(Separator).Distinct().Order(StringComparer.Ordinal));
            if (!expectedSets.Contains(set))
                expectedSets.Add(set);
            Assert.Equal(expectedSets.IndexOf(set), counts.SetOf[i]);
        }
        Assert.Equal(expectedSets, counts.Sets.Select(s => string.Join(Separator, s)));
        Assert.True(expectedSets.Count < paths.Length, "some paths must share a set for the test to mean anything");
    }
}
