using System.Globalization;

namespace ClosedLoop.Core;

/// <summary>Sizes as users write them on a command line, as DuckDB's <c>memory_limit</c> takes them: <c>512MB</c>, <c>1GB</c>, <c>1.5GiB</c>.</summary>
public static class ByteSizes
{
    private static readonly (string Suffix, long Factor)[] s_units =
    [
        ("KIB", 1L << 10), ("MIB", 1L << 20), ("GIB", 1L << 30), ("TIB", 1L << 40),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("T", 1L << 40), ("B", 1),
    ];

    /// <summary>Parses a positive number with an optional unit (bytes when none); KB/MB/GB are powers of 1000, KiB/MiB/GiB and K/M/G of 1024.</summary>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim().Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var factor = 1L;
        foreach (var (suffix, unitFactor) in s_units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length];
                factor = unitFactor;
                break;
            }
        }
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount * factor > long.MaxValue / 2)
            throw new UserInputException($"'{text}' is not a size: use a positive number with a unit such as 512MB, 1GB or 2GiB");
        return (long)(amount * factor);
    }
}
