using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class IsoTimestampTests
{
    [Theory]
    [InlineData("2026-03-01T10:00:00Z", "2026-03-01T10:00:00.0000000Z")]
    [InlineData("2026-03-01T10:00:00.123Z", "2026-03-01T10:00:00.1230000Z")]
    [InlineData("2026-03-01T10:00:00.123456789Z", "2026-03-01T10:00:00.1234567Z")]
    [InlineData("2026-03-01 10:00:00Z", "2026-03-01T10:00:00.0000000Z")]
    [InlineData("2026-03-01T10:00Z", "2026-03-01T10:00:00.0000000Z")]
    [InlineData("2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00.0000000Z")]
    [InlineData("2026-03-01T10:00:00-0530", "2026-03-01T15:30:00.0000000Z")]
    [InlineData("2026-03-01T01:00:00+05", "2026-02-28T20:00:00.0000000Z")]
    [InlineData("2026-03-01T10:00:00", "2026-03-01T10:00:00.0000000Z")]
    [InlineData("  2026-03-01t10:00:00z ", "2026-03-01T10:00:00.0000000Z")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000Z")]
    public void Parses_iso_8601_to_utc(string text, string expectedRoundTrip)
    {
        Assert.True(IsoTimestamp.TryParse(text, out var utc));
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
        Assert.Equal(expectedRoundTrip, utc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("2026-03-01")]
    [InlineData("2026-03-01T")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2025-02-29T10:00:00Z")]
    [InlineData("2026-03-01T24:00:00Z")]
    [InlineData("2026-03-01T10:60:00Z")]
    [InlineData("2026-03-01T10:00:00.Z")]
    [InlineData("2026-03-01T10:00:00 UTC")]
    [InlineData("2026-03-01T10:00:00+2")]
    [InlineData("03/01/2026 10:00:00")]
    [InlineData("1740000000")]
    public void Rejects_what_is_not_an_iso_date_time(string text)
    {
        Assert.False(IsoTimestamp.TryParse(text, out _));
    }
}
