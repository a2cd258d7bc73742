using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Tests.Enrichment;

/// <summary>Builds valid raw events so that each test changes only what it is about.</summary>
internal static class TestEvents
{
    public static readonly DateTime LoadTime = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static RawEvent Page(string? url = null, string? referrer = null) => new()
    {
        EventId = "e1",
        Timestamp = "2026-03-01T10:00:00Z",
        AnonymousId = "anon-1",
        Url = url,
        Referrer = referrer,
    };

    public static EnrichedEvent Enrich(RawEvent raw, EnrichmentOptions? options = null)
    {
        var outcome = new EventEnricher(options ?? new EnrichmentOptions()).Enrich(raw, LoadTime);
        Assert.True(outcome.Event is not null, $"rejected: {outcome.RejectReason}");
        return outcome.Event;
    }

    public static string Reject(RawEvent raw)
    {
        var outcome = new EventEnricher().Enrich(raw, LoadTime);
        Assert.Null(outcome.Event);
        Assert.NotNull(outcome.RejectReason);
        return outcome.RejectReason;
    }
}
