namespace ClosedLoop.Core.Events;

/// <summary>
/// One event as it arrived, in either input shape (flat or Segment), before enrichment.
/// Values are kept as sent; parsing of timestamps and URLs happens in <see cref="Enrichment.EventEnricher"/>.
/// </summary>
public sealed class RawEvent
{
    public string? EventId { get; set; }
    public string? Timestamp { get; set; }
    /// <summary>Segment's client clock at send time; with it the timestamp is corrected for clock skew.</summary>
    public string? SentAt { get; set; }
    /// <summary>When the collector received the event (Segment archives carry <c>receivedAt</c>; the ingest service stamps it).
    /// Clock-skew correction applies only when both this and <see cref="SentAt"/> are known.</summary>
    public string? ReceivedAt { get; set; }
    public string? AnonymousId { get; set; }
    public string? UserId { get; set; }
    public string? Email { get; set; }
    /// <summary>Segment's <c>previousId</c> of an <c>alias</c> event.</summary>
    public string? PreviousId { get; set; }
    public string? Type { get; set; }
    public string? EventName { get; set; }
    public string? Url { get; set; }
    public string? Referrer { get; set; }
    public string? UserAgent { get; set; }
    public string? Ip { get; set; }
    public string? UtmSource { get; set; }
    public string? UtmMedium { get; set; }
    public string? UtmCampaign { get; set; }
    public string? UtmTerm { get; set; }
    public string? UtmContent { get; set; }
    public string? Channel { get; set; }
    public double? Revenue { get; set; }
    public string? Currency { get; set; }
    /// <summary>The <c>properties</c> object as JSON text.</summary>
    public string? PropertiesJson { get; set; }
}
