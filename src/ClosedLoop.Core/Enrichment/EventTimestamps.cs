using System.Globalization;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Core.Enrichment;

/// <summary>The resolved event and receive times of one event.</summary>
internal readonly record struct ResolvedTimes(DateTime Timestamp, DateTime ReceivedAt, bool Clamped);

/// <summary>Timestamp rules: ISO-8601 parsing, clock-skew correction, the 2000..2100 year range and the future clamp.</summary>
internal static class EventTimestamps
{
    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    private static readonly long s_minTicks = new DateTime(MinYear, 1, 1).Ticks;
    private static readonly long s_maxTicksExclusive = new DateTime(MaxYear + 1, 1, 1).Ticks;

    /// <summary>Resolves the times of <paramref name="raw"/>; returns a reject reason or null.</summary>
    public static string? TryResolve(RawEvent raw, DateTime loadTimeUtc, TimeSpan futureTolerance,
        ref Warnings warnings, out ResolvedTimes times)
    {
        times = default;
        if (string.IsNullOrWhiteSpace(raw.Timestamp))
            return "timestamp is missing";
        if (!IsoTimestamp.TryParse(raw.Timestamp, out var timestamp))
            return $"timestamp '{Warnings.Shorten(raw.Timestamp)}' is not ISO-8601";

        var received = ToUtc(loadTimeUtc);
        var hasCollectorTime = false;
        if (!string.IsNullOrWhiteSpace(raw.ReceivedAt))
        {
            if (IsoTimestamp.TryParse(raw.ReceivedAt, out var collectorTime))
            {
                received = collectorTime;
                hasCollectorTime = true;
            }
            else
            {
                warnings.Add($"receivedAt '{Warnings.Shorten(raw.ReceivedAt)}' is not ISO-8601, used the load time");
            }
        }

        var ticks = timestamp.Ticks;
        var corrected = false;
        if (!string.IsNullOrWhiteSpace(raw.SentAt))
        {
            if (!IsoTimestamp.TryParse(raw.SentAt, out var sentAt))
                warnings.Add($"sentAt '{Warnings.Shorten(raw.SentAt)}' is not ISO-8601, clock skew not corrected");
            else if (hasCollectorTime)
            {
                // The client clock may be wrong, but the delay between its own timestamp and sentAt is right.
                ticks = received.Ticks - (sentAt.Ticks - timestamp.Ticks);
                corrected = true;
            }
        }

        // Checked after correction: a device with a reset clock (1970) is exactly what the correction repairs.
        if (ticks < s_minTicks || ticks >= s_maxTicksExclusive)
        {
            return corrected
                ? $"timestamp '{Warnings.Shorten(raw.Timestamp)}' corrected for clock skew falls outside the years {MinYear}..{MaxYear}"
                : $"timestamp '{Warnings.Shorten(raw.Timestamp)}' is outside the years {MinYear}..{MaxYear}";
        }

        var clamped = false;
        if (ticks - received.Ticks > futureTolerance.Ticks)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"timestamp '{Warnings.Shorten(raw.Timestamp)}' is more than {futureTolerance.TotalHours:0.##} h after the receive time, clamped to the receive time"));
            ticks = received.Ticks;
            clamped = true;
        }
        times = new ResolvedTimes(new DateTime(ticks, DateTimeKind.Utc), received, clamped);
        return null;
    }

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };
}
