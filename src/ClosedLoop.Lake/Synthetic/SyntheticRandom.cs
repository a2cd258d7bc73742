using ClosedLoop.Core;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>
/// The generator's random draws over <see cref="Xoshiro256StarStar"/>: our own generator, because <see cref="Random"/>
/// does not promise the same sequence across .NET versions and the data set must be byte-identical per seed.
/// </summary>
internal sealed class SyntheticRandom(ulong seed)
{
    private Xoshiro256StarStar _state = new(seed);

    /// <summary>A stream for one sub-task (one person, the spend table), independent of the others.</summary>
    public static SyntheticRandom For(ulong seed, ulong stream, ulong salt = 0) =>
        new(Mix64(seed ^ Mix64(stream + 0x9E3779B97F4A7C15UL) ^ Mix64(salt + 0xD1B54A32D192ED03UL)));

    /// <summary>The SplitMix64 finalizer: a bijection, so distinct inputs give distinct ids.</summary>
    public static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => _state.NextUInt64();

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, max).</summary>
    public int Next(int max) => (int)(((NextUInt64() >> 32) * (ulong)max) >> 32);

    /// <summary>Uniform in [min, max).</summary>
    public long Between(long min, long max) => min + (long)(NextDouble() * (max - min));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(T[] items) => items[Next(items.Length)];

    /// <summary>An index drawn with the given (not necessarily normalised) weights.</summary>
    public int Weighted(double[] weights)
    {
        var total = 0.0;
        foreach (var w in weights)
            total += w;
        var r = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
                return i;
        }
        return weights.Length - 1;
    }

    /// <summary>Standard normal by Box-Muller (one value per call keeps the state simple).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());
}
