using ClosedLoop.Core.Events;

namespace ClosedLoop.Tests.Enrichment;

public sealed class CopyThroughTests
{
    [Fact]
    public void Fields_that_need_no_enrichment_are_copied()
    {
        var raw = new RawEvent
        {
            EventId = "evt-9",
            Timestamp = "2026-03-01T10:00:00Z",
            UserId = "u-9",
            Type = "track",
            EventName = "Order Completed",
            Url = "https://shop.test/thanks",
            Referrer = "https://checkout.stripe.com/",
            UserAgent = "Mozilla/5.0",
            Ip = "203.0.113.9",
            Revenue = 129.5,
            Currency = "EUR",
            PropertiesJson = "{\"order_id\":\"o-1\"}",
        };
        var e = TestEvents.Enrich(raw);
        Assert.Equal("evt-9", e.EventId);
        Assert.Equal(EventTypes.Track, e.Type);
        Assert.Equal("Order Completed", e.EventName);
        Assert.Equal("https://shop.test/thanks", e.Url);
        Assert.Equal("https://checkout.stripe.com/", e.Referrer);
        Assert.Equal("Mozilla/5.0", e.UserAgent);
        Assert.Equal("203.0.113.9", e.Ip);
        Assert.Equal(129.5, e.Revenue);
        Assert.Equal("EUR", e.Currency);
        Assert.Equal("{\"order_id\":\"o-1\"}", e.PropertiesJson);
        Assert.Equal(new DateOnly(2026, 3, 1), e.EventDate);
        Assert.Null(e.Warnings);
    }
}
