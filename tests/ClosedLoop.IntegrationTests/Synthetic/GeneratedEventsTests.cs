using System.Globalization;
using System.Text.Json;

namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>events.ndjson against the ground truth the generator wrote next to it.</summary>
public sealed class GeneratedEventsTests(GeneratedDataSet set) : IClassFixture<GeneratedDataSet>
{
    [Fact]
    public void Every_usable_line_parses_and_the_rest_are_exactly_the_counted_malformed_lines()
    {
        Assert.Equal(0, set.ExitCode);
        long malformed = 0, events = 0, duplicates = 0, batches = 0, segment = 0;
        string? previous = null;
        foreach (var line in File.ReadLines(set.PathOf("events.ndjson")))
        {
            var parsed = EventLineCheck.Events(line);
            if (parsed is null)
            {
                malformed++;
            }
            else if (line == previous)
            {
                duplicates++;
            }
            else
            {
                events += parsed.Count;
                segment += parsed.Count(e => e.TryGetProperty("messageId", out _));
                if (line.StartsWith("{\"batch\":", StringComparison.Ordinal))
                    batches++;
            }
            previous = line;
        }
        var summary = set.Summary;
        Assert.Equal(summary.GetProperty("malformed_lines").GetInt64(), malformed);
        Assert.Equal(summary.GetProperty("duplicate_lines").GetInt64(), duplicates);
        Assert.Equal(summary.GetProperty("events").GetInt64(), events);
        Assert.Equal(summary.GetProperty("batch_lines").GetInt64(), batches);
        Assert.Equal(summary.GetProperty("segment_events").GetInt64(), segment);
        Assert.InRange(malformed, 1, 100);
        Assert.InRange(duplicates, 50, 400);
        Assert.InRange(batches, 1, 500);
        Assert.InRange(segment / (double)events, 0.10, 0.20);
    }

    [Fact]
    public void Truth_identities_cover_every_cookie_in_the_events()
    {
        var known = set.ReadCsv("truth/identities.csv").Where(r => r["identifier_type"] == "anonymous_id").Select(r => r["identifier"]).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(set.PathOf("events.ndjson")))
        {
            foreach (var e in EventLineCheck.Events(line) ?? [])
            {
                if (EventLineCheck.AnonymousId(e) is { } id)
                    seen.Add(id);
            }
        }
        Assert.Empty(seen.Except(known));
        Assert.Equal(set.Summary.GetProperty("cookies").GetInt64(), known.Count);
        // About five events per cookie, as on a real marketing site.
        Assert.InRange(set.Summary.GetProperty("events").GetInt64() / (double)known.Count, 3.5, 7.0);
    }

    [Fact]
    public void Timestamps_fall_inside_the_window_with_millisecond_precision()
    {
        var summary = set.Summary;
        var start = DateTimeOffset.Parse(summary.GetProperty("window_start").GetString()!, CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(summary.GetProperty("window_end").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(90), end - start);
        foreach (var line in File.ReadLines(set.PathOf("events.ndjson")).Take(5_000))
        {
            foreach (var e in EventLineCheck.Events(line) ?? [])
            {
                var raw = e.GetProperty("timestamp").GetString()!;
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", raw);
                Assert.InRange(EventLineCheck.Timestamp(e), start, end);
            }
        }
    }

    [Fact]
    public void Identify_events_carry_known_emails_some_with_odd_casing_or_spaces()
    {
        var emails = set.ReadCsv("truth/identities.csv").Where(r => r["identifier_type"] == "email").Select(r => r["identifier"]).ToHashSet(StringComparer.Ordinal);
        var variants = 0;
        foreach (var line in File.ReadLines(set.PathOf("events.ndjson")))
        {
            foreach (var e in EventLineCheck.Events(line) ?? [])
            {
                if (EventLineCheck.Email(e) is not { } email)
                    continue;
                Assert.Contains(email.Trim().ToLowerInvariant(), emails);
                if (email != email.Trim().ToLowerInvariant())
                    variants++;
            }
        }
        Assert.True(variants > 0, "expected some emails with casing or whitespace variants");
    }

    [Fact]
    public void Shared_devices_show_the_first_email_before_the_switch_and_the_second_after()
    {
        var shared = set.ReadCsv("truth/shared_devices.csv");
        Assert.NotEmpty(shared);
        var byCookie = shared.ToDictionary(r => r["anonymous_id"], StringComparer.Ordinal);
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(set.PathOf("events.ndjson")))
        {
            foreach (var e in EventLineCheck.Events(line) ?? [])
            {
                if (EventLineCheck.AnonymousId(e) is not { } id || !byCookie.TryGetValue(id, out var row) || EventLineCheck.Email(e) is not { } email)
                    continue;
                var normal = email.Trim().ToLowerInvariant();
                var switchTime = DateTimeOffset.Parse(row["switch_time"], CultureInfo.InvariantCulture);
                Assert.Equal(EventLineCheck.Timestamp(e) < switchTime ? row["email_before"] : row["email_after"], normal);
                if (!seen.TryGetValue(id, out var set1))
                    seen[id] = set1 = [];
                set1.Add(normal);
            }
        }
        Assert.Contains(seen.Values, s => s.Count == 2);
    }

    [Fact]
    public void Channel_lift_lists_every_planted_channel()
    {
        var lift = set.ReadCsv("truth/channel_lift.csv");
        Assert.Contains(lift, r => r["channel"] == "Paid Search");
        Assert.Contains(lift, r => r["channel"] == "Direct");
        var weights = lift.Sum(r => double.Parse(r["base_weight"], CultureInfo.InvariantCulture));
        Assert.InRange(weights, 0.99, 1.01);
        Assert.All(lift, r => Assert.True(double.Parse(r["conversion_lift"], CultureInfo.InvariantCulture) >= 1.0));
    }

    [Fact]
    public void Summary_counts_match_the_files()
    {
        var summary = set.Summary;
        var identities = set.ReadCsv("truth/identities.csv");
        Assert.Equal(summary.GetProperty("persons").GetInt64(), identities.Select(r => r["person_id"]).Distinct(StringComparer.Ordinal).LongCount());
        Assert.Equal(summary.GetProperty("leads").GetInt64(), set.ReadCsv("contacts.csv").Count);
        var deals = set.ReadCsv("deals.csv");
        Assert.Equal(summary.GetProperty("customers").GetInt64(), deals.Count(d => d["status"] == "won"));
        Assert.Equal(summary.GetProperty("won_revenue").GetDecimal(), deals.Where(d => d["status"] == "won").Sum(d => decimal.Parse(d["amount"], CultureInfo.InvariantCulture)));
        Assert.Equal(JsonValueKind.Number, summary.GetProperty("malformed_lines").ValueKind);
    }
}
