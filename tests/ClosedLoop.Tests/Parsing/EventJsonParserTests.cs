using System.Text;
using ClosedLoop.Core.Parsing;

namespace ClosedLoop.Tests.Parsing;

public sealed class EventJsonParserTests
{
    private static List<ParsedEvent> Parse(string json, bool allowArray = false)
    {
        var output = new List<ParsedEvent>();
        EventJsonParser.Parse(Encoding.UTF8.GetBytes(json), output, allowArray);
        return output;
    }

    [Fact]
    public void Flat_shape_fields_are_read()
    {
        var e = Assert.Single(Parse("""{"event_id":"e1","type":"page","timestamp":"2026-01-02T03:04:05Z","anonymous_id":"a1","email":"x@y.com","url":"https://s.com/?utm_source=g","referrer":"https://google.com/","revenue":"12.5","currency":"EUR","properties":{"plan":"pro"}}""")).Event!;
        Assert.Equal("e1", e.EventId);
        Assert.Equal("page", e.Type);
        Assert.Equal("2026-01-02T03:04:05Z", e.Timestamp);
        Assert.Equal("a1", e.AnonymousId);
        Assert.Equal("x@y.com", e.Email);
        Assert.Equal("https://s.com/?utm_source=g", e.Url);
        Assert.Equal("https://google.com/", e.Referrer);
        Assert.Equal(12.5, e.Revenue);
        Assert.Equal("EUR", e.Currency);
        Assert.Equal("""{"plan":"pro"}""", e.PropertiesJson);
    }

    [Fact]
    public void Segment_shape_reads_context_and_prefers_top_level_fields()
    {
        var e = Assert.Single(Parse("""{"messageId":"m1","type":"track","event":"Signed Up","anonymousId":"a1","originalTimestamp":"2026-01-02T03:04:05Z","context":{"page":{"url":"https://s.com/p","referrer":"https://t.co/"},"campaign":{"source":"news","name":"spring"},"userAgent":"UA","ip":"1.2.3.4","traits":{"email":"ctx@y.com"}},"traits":{"email":"top@y.com"}}""")).Event!;
        Assert.Equal("m1", e.EventId);
        Assert.Equal("Signed Up", e.EventName);
        Assert.Equal("2026-01-02T03:04:05Z", e.Timestamp);
        Assert.Equal("https://s.com/p", e.Url);
        Assert.Equal("https://t.co/", e.Referrer);
        Assert.Equal("news", e.UtmSource);
        Assert.Equal("spring", e.UtmCampaign);
        Assert.Equal("UA", e.UserAgent);
        Assert.Equal("1.2.3.4", e.Ip);
        Assert.Equal("top@y.com", e.Email);
    }

    [Fact]
    public void Escaped_property_names_are_recognised()
    {
        var e = Assert.Single(Parse("""{"\u0065vent_id":"e1","type":"page","\u0061nonymous_id":"a1"}""")).Event!;
        Assert.Equal("e1", e.EventId);
        Assert.Equal("a1", e.AnonymousId);
    }

    [Fact]
    public void Batch_envelope_yields_each_element_with_the_envelope_sentAt()
    {
        var parsed = Parse("""{"sentAt":"2026-01-02T00:00:00Z","context":{},"batch":[{"messageId":"m1","type":"page"},42,{"messageId":"m2","type":"page","sentAt":"2026-01-03T00:00:00Z"}]}""");
        Assert.Equal(3, parsed.Count);
        Assert.Equal("m1", parsed[0].Event!.EventId);
        Assert.Equal("2026-01-02T00:00:00Z", parsed[0].Event!.SentAt);
        Assert.Null(parsed[1].Event);
        Assert.Equal(1, parsed[1].BatchIndex);
        Assert.Equal("2026-01-03T00:00:00Z", parsed[2].Event!.SentAt);
    }

    [Fact]
    public void An_event_that_mentions_batch_in_a_value_is_still_one_event()
    {
        var e = Assert.Single(Parse("""{"event_id":"e1","type":"track","event":"batch","properties":{"note":"\"batch\""}}""")).Event!;
        Assert.Equal("e1", e.EventId);
        Assert.Equal("batch", e.EventName);
    }

    [Theory]
    [InlineData("""{"event_id":"e1",""", "malformed JSON")]
    [InlineData("""[1,2]""", "expected a JSON object, found an array")]
    [InlineData("""{"event_id":"e1"} {}""", "malformed JSON")]
    public void Unusable_text_is_one_error(string json, string reason)
    {
        var parsed = Assert.Single(Parse(json));
        Assert.Null(parsed.Event);
        Assert.StartsWith(reason, parsed.Error);
    }
}
