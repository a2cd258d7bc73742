using ClosedLoop.Core.Events;

namespace ClosedLoop.Tests.Enrichment;

public sealed class EventTypeTests
{
    [Theory]
    [InlineData(null, null, EventTypes.Page)]
    [InlineData("page", null, EventTypes.Page)]
    [InlineData("PAGE", null, EventTypes.Page)]
    [InlineData("screen", null, EventTypes.Page)]
    [InlineData("Track", "Signed Up", EventTypes.Track)]
    [InlineData("identify", null, EventTypes.Identify)]
    [InlineData(" alias ", null, EventTypes.Alias)]
    public void Known_types_are_normalized(string? type, string? eventName, string expected)
    {
        var raw = TestEvents.Page();
        raw.Type = type;
        raw.EventName = eventName;
        Assert.Equal(expected, TestEvents.Enrich(raw).Type);
    }

    [Theory]
    [InlineData("group", "unknown event type 'group': expected page, track, identify, alias or screen")]
    [InlineData("click", "unknown event type 'click': expected page, track, identify, alias or screen")]
    public void Unknown_types_are_rejected(string type, string reason)
    {
        var raw = TestEvents.Page();
        raw.Type = type;
        Assert.Equal(reason, TestEvents.Reject(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_track_without_an_event_name_is_rejected(string? eventName)
    {
        var raw = TestEvents.Page();
        raw.Type = "track";
        raw.EventName = eventName;
        Assert.Equal("track event has no event name", TestEvents.Reject(raw));
    }
}
