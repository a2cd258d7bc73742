using System.Globalization;

namespace ClosedLoop.Lake.Crm;

/// <summary>
/// One input row with its values bound to a table's fields, whatever the file format. Values are
/// trimmed; empty means null. The parse helpers produce reject reasons that name column and value.
/// </summary>
internal sealed class CrmInputRow(int fieldCount)
{
    private readonly string?[] _values = new string?[fieldCount];
    private readonly string?[] _columnNames = new string?[fieldCount];

    public long Line { get; set; }
    public string Raw { get; set; } = "";

    /// <summary>Set when the row could not be read at all (malformed CSV or JSON).</summary>
    public string? Error { get; set; }

    /// <summary>Unmapped columns as a JSON object, or null.</summary>
    public string? PropertiesJson { get; set; }

    public void Clear()
    {
        Array.Clear(_values);
        Array.Clear(_columnNames);
        Error = null;
        PropertiesJson = null;
    }

    public void Set(int field, string columnName, string? value)
    {
        if (_columnNames[field] is not null && _values[field] is not null)
            return; // a second column meaning the same field: the first non-empty one wins
        _columnNames[field] = columnName;
        _values[field] = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public string? Get(int field) => _values[field];

    public string ColumnName(int field, string fallback) => _columnNames[field] ?? fallback;

    public string? Timestamp(int field, string name, out DateTime? value)
    {
        value = null;
        var s = _values[field];
        if (s is null)
            return null;
        if (!CrmValues.TryParseTimestamp(s, out var utc))
            return $"column '{ColumnName(field, name)}': '{s}' is not a date (use ISO-8601, yyyy-MM-dd HH:mm or MM/dd/yyyy [HH:mm])";
        value = utc;
        return null;
    }

    public string? Date(int field, string name, out DateOnly? value)
    {
        value = null;
        var s = _values[field];
        if (s is null)
            return null;
        if (!CrmValues.TryParseDate(s, out var d))
            return $"column '{ColumnName(field, name)}': '{s}' is not a date (use yyyy-MM-dd or MM/dd/yyyy)";
        value = d;
        return null;
    }

    public string? Money(int field, string name, out decimal? value)
    {
        value = null;
        var s = _values[field];
        if (s is null)
            return null;
        if (!CrmValues.TryParseMoney(s, out var m) || Math.Abs(m) >= 1e14m)
            return $"column '{ColumnName(field, name)}': '{s}' is not an amount (use digits with '.' as decimal point)";
        value = Math.Round(m, 4, MidpointRounding.AwayFromZero);
        return null;
    }

    public string? Count(int field, string name, out long? value)
    {
        value = null;
        var s = _values[field];
        if (s is null)
            return null;
        if (!CrmValues.TryParseCount(s, out var n))
            return $"column '{ColumnName(field, name)}': '{s}' is not a whole number";
        value = n;
        return null;
    }

    public static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1"
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("y", StringComparison.OrdinalIgnoreCase)
            || value.Equals("t", StringComparison.OrdinalIgnoreCase));

    public static string Describe(string? value) => value is null ? "empty" : string.Create(CultureInfo.InvariantCulture, $"'{value}'");
}
