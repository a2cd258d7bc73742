using ClosedLoop.Core.Attribution;

namespace ClosedLoop.Tests.Attribution;

/// <summary>Generated inputs and exact comparisons for the attribution tests.</summary>
internal static class TestPaths
{
    /// <summary>Distinct-ish random paths from a fixed linear congruential generator, so every run sees the same data.</summary>
    public static List<ChannelPath> Random(ulong seed, int count, int channels, int maxLength)
    {
        var state = seed;
        var paths = new List<ChannelPath>(count);
        for (var p = 0; p < count; p++)
        {
            var length = 1 + (int)(Next(ref state) % (ulong)maxLength);
            var names = new string[length];
            for (var i = 0; i < length; i++)
                names[i] = "ch" + (char)('a' + (int)(Next(ref state) % (ulong)channels));
            paths.Add(new ChannelPath(names, (long)(Next(ref state) % 4), (long)(Next(ref state) % 9)));
        }
        return paths;
    }

    public static void AssertIdentical(ChannelWeights expected, ChannelWeights actual)
    {
        AssertIdentical(expected.Weights, actual.Weights);
        AssertIdentical(expected.Scores, actual.Scores);
    }

    public static void AssertIdentical(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (key, value) in expected)
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(actual[key]));
    }

    private static ulong Next(ref ulong state)
    {
        state = (state * 6364136223846793005UL) + 1442695040888963407UL;
        return state >> 33;
    }
}
