using System.Globalization;

namespace ClosedLoop.Lake.Crm;

/// <summary>
/// Parses the values CRM and ad-platform exports contain: dates in ISO-8601 and the usual export
/// formats, money with symbols and thousands separators, emails. Invariant culture throughout.
/// </summary>
public static class CrmValues
{
    // US order (month first), as HubSpot and Salesforce (en-US) export; ISO is handled separately.
    private static readonly string[] s_usFormats =
    [
        "M/d/yyyy", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss", "M/d/yyyy h:mm tt", "M/d/yyyy h:mm:ss tt",
        "M/d/yy", "M/d/yy H:mm", "M/d/yy h:mm tt",
    ];

    private static readonly string[] s_isoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy/MM/dd", "yyyy/MM/dd HH:mm", "yyyy/MM/dd HH:mm:ss",
    ];

    /// <summary>
    /// A point in time as UTC. Values without an offset are taken as UTC; 13-digit numbers as Unix
    /// milliseconds (HubSpot's API exports). Returns false for anything else.
    /// </summary>
    public static bool TryParseTimestamp(string value, out DateTime utc)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim();
        utc = default;
        if (s.Length is 12 or 13 && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            utc = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
            return true;
        }
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces;
        var formats = StartsWithYear(s) ? s_isoFormats : s_usFormats;
        if (!DateTimeOffset.TryParseExact(s, formats, CultureInfo.InvariantCulture, styles, out var parsed))
            return false;
        if (parsed.Year is < 1900 or > 2200)
            return false;
        utc = parsed.UtcDateTime;
        return true;
    }

    /// <summary>A calendar date (spend rows): ISO or US order; a time part, if any, is dropped.</summary>
    public static bool TryParseDate(string value, out DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim();
        // The calendar day as written: no time-zone shift for a date that came with a time.
        if (DateOnly.TryParseExact(s, ["yyyy-MM-dd", "yyyy/MM/dd", "M/d/yyyy", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            return true;
        var formats = StartsWithYear(s) ? s_isoFormats : s_usFormats;
        if (DateTimeOffset.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = DateOnly.FromDateTime(parsed.DateTime);
            return true;
        }
        return false;
    }

    /// <summary>
    /// An amount with '.' as decimal point; currency symbols or a 3-letter code around it and ','
    /// thousands separators are ignored; (123.45) is negative.
    /// </summary>
    public static bool TryParseMoney(string value, out decimal amount)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim();
        var negative = false;
        if (s.Length > 2 && s[0] == '(' && s[^1] == ')')
        {
            negative = true;
            s = s[1..^1].Trim();
        }
        if (s.Length > 3 && char.IsAsciiLetter(s[0]) && char.IsAsciiLetter(s[1]) && char.IsAsciiLetter(s[2]) && !char.IsAsciiLetter(s[3]))
            s = s[3..].Trim();
        if (s.Length > 3 && char.IsAsciiLetter(s[^1]) && char.IsAsciiLetter(s[^2]) && char.IsAsciiLetter(s[^3]) && !char.IsAsciiLetter(s[^4]))
            s = s[..^3].Trim();
        var sign = "";
        if (s.StartsWith('-'))
        {
            sign = "-";
            s = s[1..].Trim();
        }
        s = TrimCurrencySymbols(s.Trim(' ', '\u00a0'));
        if (s.StartsWith('-') && sign.Length == 0)
        {
            sign = "-";
            s = s[1..];
        }
        if (!LooksLikeGroupedNumber(s))
        {
            amount = 0;
            return false;
        }
        var ok = decimal.TryParse(sign + s.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
        if (ok && negative)
            amount = -amount;
        return ok;
    }

    /// <summary>A whole count (impressions, clicks), thousands separators allowed.</summary>
    public static bool TryParseCount(string value, out long count)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim();
        if (s.EndsWith(".0", StringComparison.Ordinal))
            s = s[..^2]; // spreadsheets turn integers into floats
        count = 0;
        return LooksLikeGroupedNumber(s) && long.TryParse(s.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    /// <summary>Trimmed and lower-cased when it is a syntactically valid email, else null.</summary>
    public static string? NormalizeEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var s = value.Trim().ToLowerInvariant();
        if (s.StartsWith("mailto:", StringComparison.Ordinal))
            s = s[7..];
        var at = s.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != s.LastIndexOf('@') || at == s.Length - 1)
            return null;
        var domain = s.AsSpan(at + 1);
        var dot = domain.LastIndexOf('.');
        if (dot <= 0 || dot == domain.Length - 1 || domain.Contains("..", StringComparison.Ordinal))
            return null;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>' or '(' or ')' or '"' or '[' or ']')
                return null;
        }
        return s;
    }

    private static bool StartsWithYear(string s) =>
        s.Length >= 5 && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[2]) && char.IsAsciiDigit(s[3]) && s[4] is '-' or '/';

    private static string TrimCurrencySymbols(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && (IsCurrencySymbol(s[start]) || char.IsWhiteSpace(s[start])))
            start++;
        while (end > start && (IsCurrencySymbol(s[end - 1]) || char.IsWhiteSpace(s[end - 1])))
            end--;
        return s[start..end];
    }

    private static bool IsCurrencySymbol(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.CurrencySymbol;

    // "1,234.5" yes; "1,2" (a decimal comma) no, so a European amount is rejected instead of misread.
    private static bool LooksLikeGroupedNumber(string s)
    {
        if (s.Length == 0)
            return false;
        var point = s.IndexOf('.', StringComparison.Ordinal);
        var integer = point < 0 ? s : s[..point];
        if (point >= 0 && s.IndexOf(',', point) >= 0)
            return false;
        if (!integer.Contains(',', StringComparison.Ordinal))
            return true;
        var groups = integer.Split(',');
        return groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
    }
}
