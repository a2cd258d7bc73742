namespace ClosedLoop.Core.Enrichment;

/// <summary>Email normalization: trimmed, lower-cased and checked for the shape <c>local@domain.tld</c>.</summary>
public static class EmailAddress
{
    /// <summary>
    /// Normalizes <paramref name="value"/>. Returns the email, or null; <paramref name="invalid"/> is true when a value
    /// was given that is not an email (placeholders such as <c>null</c> are dropped without being called invalid).
    /// </summary>
    public static string? Normalize(string? value, out bool invalid)
    {
        invalid = false;
        if (value is null)
            return null;
        var trimmed = value.AsSpan().Trim();
        if (Identifiers.IsJunk(trimmed))
            return null;
        if (!IsValid(trimmed))
        {
            invalid = true;
            return null;
        }
        var text = trimmed.Length == value.Length ? value : trimmed.ToString();
        return text.ToLowerInvariant();
    }

    /// <summary>A pragmatic syntax check (what sign-up forms accept), not full RFC 5322: no quoted local parts, no IP literals.</summary>
    public static bool IsValid(ReadOnlySpan<char> email)
    {
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@'))
            return false;
        var local = email[..at];
        var domain = email[(at + 1)..];
        if (local.Length > 64 || domain.Length is < 3 or > 253)
            return false;
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
            return false;
        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c > 127 || "!#$%&'*+/=?^_`{|}~.-".Contains(c)))
                return false;
        }
        var labels = 0;
        var rest = domain;
        while (true)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
                return false;
            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c > 127))
                    return false;
            }
            labels++;
            if (dot < 0)
            {
                // The top-level domain: at least two characters and not all digits (rules out 1.2.3.4).
                return labels >= 2 && label.Length >= 2 && label.ContainsAnyExcept("0123456789");
            }
            rest = rest[(dot + 1)..];
        }
    }
}
