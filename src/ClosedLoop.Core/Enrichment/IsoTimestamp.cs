namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// A strict, allocation-free ISO-8601 date-time parser: <c>yyyy-MM-dd</c>, <c>T</c> or a space, <c>HH:mm[:ss[.fraction]]</c>,
/// then <c>Z</c>, <c>±HH:mm</c>, <c>±HHmm</c>, <c>±HH</c> or nothing (read as UTC). A date without a time is not accepted.
/// </summary>
public static class IsoTimestamp
{
    /// <summary>Parses <paramref name="text"/> to a UTC <see cref="DateTime"/>; false when it is not an ISO-8601 date-time.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime utc)
    {
        utc = default;
        var s = text.Trim();
        // yyyy-MM-ddTHH:mm is the shortest accepted form.
        if (s.Length < 16 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or 't' or ' ') || s[13] != ':')
            return false;
        if (!TryDigits(s, 0, 4, out var year) || !TryDigits(s, 5, 2, out var month) || !TryDigits(s, 8, 2, out var day)
            || !TryDigits(s, 11, 2, out var hour) || !TryDigits(s, 14, 2, out var minute))
            return false;
        var pos = 16;
        var second = 0;
        long fractionTicks = 0;
        if (pos < s.Length && s[pos] == ':')
        {
            if (!TryDigits(s, pos + 1, 2, out second))
                return false;
            pos += 3;
            if (pos < s.Length && s[pos] is '.' or ',')
            {
                pos++;
                var start = pos;
                long scale = TimeSpan.TicksPerSecond;
                while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                {
                    // Digits beyond 100 ns precision are read and dropped.
                    if (scale > 1)
                    {
                        scale /= 10;
                        fractionTicks += (s[pos] - '0') * scale;
                    }
                    pos++;
                }
                if (pos == start)
                    return false;
            }
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
            return false;

        long offsetTicks = 0;
        if (pos < s.Length)
        {
            var c = s[pos];
            if (c is 'Z' or 'z')
            {
                pos++;
            }
            else if (c is '+' or '-')
            {
                if (!TryDigits(s, pos + 1, 2, out var offHours))
                    return false;
                pos += 3;
                var offMinutes = 0;
                if (pos < s.Length && s[pos] == ':')
                    pos++;
                if (pos < s.Length)
                {
                    if (!TryDigits(s, pos, 2, out offMinutes))
                        return false;
                    pos += 2;
                }
                if (offHours > 23 || offMinutes > 59)
                    return false;
                offsetTicks = ((offHours * 60L) + offMinutes) * TimeSpan.TicksPerMinute;
                if (c == '-')
                    offsetTicks = -offsetTicks;
            }
            else
            {
                return false;
            }
        }
        if (pos != s.Length)
            return false;

        var ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fractionTicks - offsetTicks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            return false;
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
            return false;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit(c))
                return false;
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}
