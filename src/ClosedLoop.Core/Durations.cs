using System.Globalization;

namespace ClosedLoop.Core;

/// <summary>Durations as users write them on a command line: <c>30m</c>, <c>2h</c>, <c>90d</c>, <c>45s</c>.</summary>
public static class Durations
{
    /// <summary>Parses a positive whole number with a unit (s, m, h, d, w); <paramref name="defaultUnit"/> applies to a bare number.</summary>
    public static TimeSpan Parse(string text, char defaultUnit = 'm')
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        var unit = value.Length > 0 && char.IsLetter(value[^1]) ? char.ToLowerInvariant(value[^1]) : defaultUnit;
        var digits = char.IsLetter(value.Length > 0 ? value[^1] : '0') ? value[..^1] : value;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
            throw new UserInputException($"'{text}' is not a duration: use a positive whole number with s, m, h, d or w (e.g. 30m, 90d)");
        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            'w' => TimeSpan.FromDays(7 * amount),
            _ => throw new UserInputException($"'{text}': unknown duration unit '{unit}' (use s, m, h, d or w)"),
        };
    }
}
