using ClosedLoop.Core.Events;

namespace ClosedLoop.Core.Enrichment;

/// <summary>The outcome of enriching one event: the event, or the reason it cannot be used.</summary>
public readonly record struct EnrichOutcome(EnrichedEvent? Event, string? RejectReason)
{
    public static EnrichOutcome Reject(string reason) => new(null, reason);
}

/// <summary>
/// Turns a <see cref="RawEvent"/> into an <see cref="EnrichedEvent"/>: timestamp rules, identifier cleaning,
/// UTM and click-id extraction, referrer classification and the GA4 default channel group.
/// Thread-safe once constructed.
/// </summary>
public sealed class EventEnricher(EnrichmentOptions options)
{
    public EnrichmentOptions Options { get; } = options;

    /// <summary>Enriches one event. <paramref name="raw"/>.EventId must already be set (derived by the loader when absent).</summary>
    public EnrichOutcome Enrich(RawEvent raw, DateTime receivedAtUtc)
    {
        // Placeholder until the enrichment rules land: minimal pass-through.
        if (raw.Timestamp is null || !DateTime.TryParse(raw.Timestamp, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var ts))
            return EnrichOutcome.Reject("timestamp is missing or not ISO-8601");
        if (raw.AnonymousId is null && raw.UserId is null && raw.Email is null)
            return EnrichOutcome.Reject("no identifier: needs anonymous_id, user_id or email");
        return new EnrichOutcome(new EnrichedEvent
        {
            EventId = raw.EventId!,
            Timestamp = ts,
            ReceivedAt = receivedAtUtc,
            Type = raw.Type ?? EventTypes.Page,
            EventName = raw.EventName,
            AnonymousId = raw.AnonymousId,
            UserId = raw.UserId,
            Email = raw.Email,
            Url = raw.Url,
            Referrer = raw.Referrer,
        }, null);
    }
}
