using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Enricher_rejects_event_without_identifier()
    {
        var enricher = new EventEnricher(new EnrichmentOptions());
        var outcome = enricher.Enrich(new RawEvent { EventId = "e1", Timestamp = "2026-01-01T00:00:00Z" }, DateTime.UtcNow);
        Assert.Null(outcome.Event);
        Assert.NotNull(outcome.RejectReason);
    }
}
