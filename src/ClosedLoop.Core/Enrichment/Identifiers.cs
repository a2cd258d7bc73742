using System.Collections.Frozen;

namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// Cleans anonymous ids, user ids and previous ids: trimmed, and placeholder values that trackers send
/// when the real id is missing become null so that they never link unrelated people.
/// </summary>
public static class Identifiers
{
    /// <summary>Placeholder values, compared case-insensitively after trimming.</summary>
    public static readonly FrozenSet<string> JunkValues = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "null", "(null)", "<null>", "undefined", "none", "(none)", "nil", "nan", "anonymous", "anon",
        "unknown", "0", "-1", "-", "[object object]", "{}", "[]", "\"\"", "''", "n/a", "na", "guest", "test",
        "true", "false", "(not set)", "not set", "00000000-0000-0000-0000-000000000000",
    ]);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_junk =
        JunkValues.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The trimmed identifier, or null when it is empty or a placeholder.</summary>
    public static string? Clean(string? value)
    {
        if (value is null)
            return null;
        var trimmed = value.AsSpan().Trim();
        if (IsJunk(trimmed))
            return null;
        return trimmed.Length == value.Length ? value : trimmed.ToString();
    }

    /// <summary>True for empty values, placeholders and unexpanded templates such as <c>{{user_id}}</c>.</summary>
    public static bool IsJunk(ReadOnlySpan<char> trimmed) =>
        trimmed.IsEmpty
        || s_junk.Contains(trimmed)
        || (trimmed.StartsWith("{{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal));
}
