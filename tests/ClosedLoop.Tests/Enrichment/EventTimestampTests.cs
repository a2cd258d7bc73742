using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class EventTimestampTests
{
    [Fact]
    public void Clock_skew_is_corrected_with_sent_at_and_received_at()
    {
        // The device clock is 2 hours fast; the event happened 5 s before it was sent.
        var raw = TestEvents.Page();
        raw.Timestamp = "2026-03-01T12:00:00Z";
        raw.SentAt = "2026-03-01T12:00:05Z";
        raw.ReceivedAt = "2026-03-01T10:00:06Z";
        var e = TestEvents.Enrich(raw);
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 1, DateTimeKind.Utc), e.Timestamp);
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 6, DateTimeKind.Utc), e.ReceivedAt);
        Assert.False(e.TimestampClamped);
    }

    [Fact]
    public void Without_received_at_the_timestamp_is_kept()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "2026-03-01T09:00:00Z";
        raw.SentAt = "2026-03-01T09:30:00Z";
        var e = TestEvents.Enrich(raw);
        Assert.Equal(new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc), e.Timestamp);
        Assert.Equal(TestEvents.LoadTime, e.ReceivedAt);
    }

    [Fact]
    public void A_reset_device_clock_is_repaired_by_skew_correction_not_rejected()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "1970-01-01T00:00:10Z";
        raw.SentAt = "1970-01-01T00:00:12Z";
        raw.ReceivedAt = "2026-03-01T10:00:00Z";
        var e = TestEvents.Enrich(raw);
        Assert.Equal(new DateTime(2026, 3, 1, 9, 59, 58, DateTimeKind.Utc), e.Timestamp);
    }

    [Fact]
    public void Unparseable_sent_at_is_a_warning_and_no_correction()
    {
        var raw = TestEvents.Page();
        raw.SentAt = "yesterday";
        raw.ReceivedAt = "2026-03-01T11:00:00Z";
        var e = TestEvents.Enrich(raw);
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc), e.Timestamp);
        Assert.Contains("sentAt 'yesterday' is not ISO-8601, clock skew not corrected", e.Warnings, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_23_hours_in_the_future_is_clamped_to_the_receive_time()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "2026-03-02T11:00:01Z";
        var e = TestEvents.Enrich(raw);
        Assert.True(e.TimestampClamped);
        Assert.Equal(TestEvents.LoadTime, e.Timestamp);
        Assert.Contains("clamped to the receive time", e.Warnings, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_to_23_hours_in_the_future_is_kept()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "2026-03-02T11:00:00Z";
        var e = TestEvents.Enrich(raw);
        Assert.False(e.TimestampClamped);
        Assert.Equal(new DateTime(2026, 3, 2, 11, 0, 0, DateTimeKind.Utc), e.Timestamp);
        Assert.Null(e.Warnings);
    }

    [Fact]
    public void The_receive_time_of_the_event_wins_over_the_load_time()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "2026-03-03T10:00:00Z";
        raw.ReceivedAt = "2026-03-03T09:00:00Z";
        var e = TestEvents.Enrich(raw);
        Assert.False(e.TimestampClamped);
        Assert.Equal(new DateTime(2026, 3, 3, 9, 0, 0, DateTimeKind.Utc), e.ReceivedAt);
    }

    [Theory]
    [InlineData(null, "timestamp is missing")]
    [InlineData("  ", "timestamp is missing")]
    [InlineData("xyz", "timestamp 'xyz' is not ISO-8601")]
    [InlineData("2026-03-01", "timestamp '2026-03-01' is not ISO-8601")]
    [InlineData("1999-12-31T23:59:59Z", "timestamp '1999-12-31T23:59:59Z' is outside the years 2000..2100")]
    [InlineData("2101-01-01T00:00:00Z", "timestamp '2101-01-01T00:00:00Z' is outside the years 2000..2100")]
    public void Rejects_unusable_timestamps_with_a_reason(string? timestamp, string reason)
    {
        var raw = TestEvents.Page();
        raw.Timestamp = timestamp;
        Assert.Equal(reason, TestEvents.Reject(raw));
    }

    [Fact]
    public void Year_2000_and_2100_are_inside_the_range()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "2000-01-01T00:00:00Z";
        Assert.Equal(2000, TestEvents.Enrich(raw).Timestamp.Year);
        raw.Timestamp = "2100-06-01T00:00:00Z";
        raw.ReceivedAt = "2100-06-01T00:00:00Z";
        Assert.Equal(2100, TestEvents.Enrich(raw).Timestamp.Year);
    }

    [Fact]
    public void Future_tolerance_is_an_option()
    {
        var raw = TestEvents.Page();
        raw.Timestamp = "2026-03-01T13:00:00Z";
        var e = TestEvents.Enrich(raw, new EnrichmentOptions { FutureTolerance = TimeSpan.FromMinutes(30) });
        Assert.True(e.TimestampClamped);
        Assert.Equal(TestEvents.LoadTime, e.Timestamp);
    }
}
