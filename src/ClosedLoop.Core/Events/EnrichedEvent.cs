namespace ClosedLoop.Core.Events;

/// <summary>
/// An event ready for the lake: identifiers cleaned, timestamp corrected, campaign and channel resolved.
/// One instance is one row of <c>lake/events</c>.
/// </summary>
public sealed class EnrichedEvent
{
    public required string EventId { get; set; }
    /// <summary>Event time in UTC, after clock-skew correction and clamping.</summary>
    public DateTime Timestamp { get; set; }
    /// <summary>When ClosedLoop received (or loaded) the event, UTC.</summary>
    public DateTime ReceivedAt { get; set; }
    public DateOnly EventDate => DateOnly.FromDateTime(Timestamp);
    /// <summary><c>page</c>, <c>track</c>, <c>identify</c> or <c>alias</c>.</summary>
    public string Type { get; set; } = EventTypes.Page;
    public string? EventName { get; set; }
    public string? AnonymousId { get; set; }
    public string? UserId { get; set; }
    /// <summary>Trimmed, lower-cased, syntactically valid email, else null.</summary>
    public string? Email { get; set; }
    public string? PreviousId { get; set; }
    public string? Url { get; set; }
    public string? PageHost { get; set; }
    public string? PagePath { get; set; }
    public string? Referrer { get; set; }
    public string? ReferrerHost { get; set; }
    public string? Source { get; set; }
    public string? Medium { get; set; }
    public string? Campaign { get; set; }
    public string? Content { get; set; }
    public string? Term { get; set; }
    public string? ClickId { get; set; }
    /// <summary>Which click id parameter was present, e.g. <c>gclid</c>.</summary>
    public string? ClickIdType { get; set; }
    /// <summary>GA4 default channel group.</summary>
    public string Channel { get; set; } = Channels.Unassigned;
    /// <summary>The referrer is one of our own domains or a configured referral exclusion (payment provider, SSO).</summary>
    public bool ReferralExcluded { get; set; }
    public string? UserAgent { get; set; }
    public string? Ip { get; set; }
    public double? Revenue { get; set; }
    public string? Currency { get; set; }
    public string? PropertiesJson { get; set; }
    /// <summary>The timestamp was more than the tolerance in the future and was clamped to the receive time.</summary>
    public bool TimestampClamped { get; set; }
    /// <summary>Non-fatal problems found while enriching, joined by "; " (e.g. an invalid email dropped).</summary>
    public string? Warnings { get; set; }
}

public static class EventTypes
{
    public const string Page = "page";
    public const string Track = "track";
    public const string Identify = "identify";
    public const string Alias = "alias";
}
