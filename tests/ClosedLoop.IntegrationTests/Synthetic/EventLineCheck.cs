using System.Globalization;
using System.Text.Json;

namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>The minimum a loader needs from a line (SPEC section 2): JSON, a usable timestamp, an identifier.</summary>
internal static class EventLineCheck
{
    /// <summary>The events of a usable line, or null when the line is malformed.</summary>
    public static List<JsonElement>? Events(string line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var events = root.TryGetProperty("batch", out var batch) ? batch.EnumerateArray().Select(e => e.Clone()).ToList() : [root.Clone()];
            return events.All(IsUsable) ? events : null;
        }
    }

    public static string? AnonymousId(JsonElement e) =>
        String(e, "anonymous_id") ?? String(e, "anonymousId");

    public static string? Email(JsonElement e) =>
        String(e, "email")
        ?? (e.TryGetProperty("traits", out var traits) ? String(traits, "email") : null)
        ?? (e.TryGetProperty("context", out var context) && context.TryGetProperty("traits", out var ct) ? String(ct, "email") : null);

    public static DateTimeOffset Timestamp(JsonElement e) =>
        DateTimeOffset.Parse(String(e, "timestamp")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static bool IsUsable(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            return false;
        var ts = String(e, "timestamp");
        if (ts is null || !DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) || time.Year is < 2000 or > 2100)
            return false;
        return AnonymousId(e) is not null || String(e, "user_id") is not null || String(e, "userId") is not null || Email(e) is not null;
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
