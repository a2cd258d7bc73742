using ClosedLoop.Core.Events;

namespace ClosedLoop.Core.Enrichment;

/// <summary>Normalizes the event <c>type</c>: page, track, identify, alias (case-insensitive); screen is a page; none is a page.</summary>
public static class EventTypeNames
{
    /// <summary>The canonical type, or null when <paramref name="type"/> is not one ClosedLoop accepts.</summary>
    public static string? Normalize(string? type)
    {
        if (type is null)
            return EventTypes.Page;
        var t = type.AsSpan().Trim();
        if (t.IsEmpty || t.Equals(EventTypes.Page, StringComparison.OrdinalIgnoreCase) || t.Equals("screen", StringComparison.OrdinalIgnoreCase))
            return EventTypes.Page;
        if (t.Equals(EventTypes.Track, StringComparison.OrdinalIgnoreCase))
            return EventTypes.Track;
        if (t.Equals(EventTypes.Identify, StringComparison.OrdinalIgnoreCase))
            return EventTypes.Identify;
        if (t.Equals(EventTypes.Alias, StringComparison.OrdinalIgnoreCase))
            return EventTypes.Alias;
        return null;
    }
}
