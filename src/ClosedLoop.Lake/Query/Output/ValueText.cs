using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace ClosedLoop.Lake.Query.Output;

/// <summary>How result values read as text: invariant culture, ISO-8601 times in UTC.</summary>
internal static class ValueText
{
    public static string Format(object value) => value switch
    {
        string s => s,
        DateTime dt => FormatTimestamp(dt),
        DateTimeOffset dto => FormatTimestamp(dto.UtcDateTime),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable => JsonSerializer.Serialize(value),
        _ => value.ToString() ?? "",
    };

    /// <summary>ISO-8601 with Z: every lake timestamp is UTC and the session zone is UTC.</summary>
    public static string FormatTimestamp(DateTime dt)
    {
        if (dt.Kind == DateTimeKind.Local)
            dt = dt.ToUniversalTime();
        return dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
    }
}
