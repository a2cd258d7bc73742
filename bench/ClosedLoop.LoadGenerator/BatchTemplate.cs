using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClosedLoop.LoadGenerator;

/// <summary>
/// One pre-generated Segment <c>{"batch": [...]}</c> body (analytics.js-shaped page, track and identify events with
/// page context, UTM campaigns, user agents, properties and traits) whose messageIds are placeholders: a request
/// copies the bytes and writes fresh ids into them, so every request carries unique ids at the cost of a memcpy.
/// </summary>
internal sealed class BatchTemplate
{
    public const int IdDigits = 16;
    private const byte Placeholder = (byte)'#';

    private static readonly string[] s_paths =
    [
        "/", "/pricing", "/features/attribution", "/features/journeys", "/blog/utm-best-practices", "/blog/b2b-attribution-models",
        "/demo", "/docs/getting-started", "/customers", "/customers/northwind", "/integrations/hubspot", "/about",
    ];
    private static readonly string[] s_titles =
    [
        "Acme Analytics", "Pricing | Acme Analytics", "Multi-touch attribution | Acme Analytics", "Customer journeys | Acme Analytics",
        "UTM parameters: 12 best practices", "B2B attribution models compared", "Book a demo | Acme Analytics", "Getting started",
        "Customers | Acme Analytics", "How Northwind cut CAC by 30%", "HubSpot integration", "About us",
    ];
    private static readonly (string Source, string Medium, string Campaign, string? Content)[] s_campaigns =
    [
        ("google", "cpc", "brand-search", null), ("google", "cpc", "generic-attribution", "ad-group-3"),
        ("linkedin", "paid_social", "abm-enterprise", "carousel-cmo"), ("newsletter", "email", "2025-05-digest", "hero-cta"),
        ("facebook", "paid_social", "retargeting-q2", null), ("bing", "cpc", "brand-search", null),
    ];
    private static readonly string[] s_referrers =
    [
        "https://www.google.com/", "https://www.google.de/", "https://www.linkedin.com/", "https://www.bing.com/", "https://t.co/abc123",
        "https://news.ycombinator.com/", "",
    ];
    private static readonly string[] s_userAgents =
    [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    ];
    private static readonly string[] s_trackEvents = ["Demo Requested", "Signup Started", "Signed Up", "Pricing Viewed", "Whitepaper Downloaded", "Trial Started"];
    private static readonly string[] s_companies = ["Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Hooli"];

    private BatchTemplate(byte[] body, int[] idOffsets)
    {
        Body = body;
        IdOffsets = idOffsets;
    }

    public byte[] Body { get; }

    /// <summary>Where each event's messageId digits start in <see cref="Body"/>.</summary>
    public int[] IdOffsets { get; }

    /// <summary>Copies the body into <paramref name="destination"/> with the ids <paramref name="firstId"/>, +1, ...; returns its length.</summary>
    public int Fill(byte[] destination, ulong firstId)
    {
        Body.CopyTo(destination, 0);
        var id = firstId;
        foreach (var offset in IdOffsets)
            WriteHex(destination.AsSpan(offset, IdDigits), id++);
        return Body.Length;
    }

    public static BatchTemplate Build(int events, int seed, string runId, DateTime now)
    {
        var random = new Random(seed);
        T Pick<T>(T[] items) => items[random.Next(items.Length)];
        string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        using var stream = new MemoryStream();
        // Escaped as a browser's JSON.stringify would (no \u0026 for & in URLs).
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("batch");
            // A few visitors per batch, as a browser SDK flushing its queue would send.
            var visitors = Enumerable.Range(0, Math.Max(1, events / 10)).Select(_ => NewGuid(random)).ToArray();
            for (var i = 0; i < events; i++)
            {
                var anonymousId = Pick(visitors);
                var page = random.Next(s_paths.Length);
                var campaign = random.Next(3) == 0 ? s_campaigns[random.Next(s_campaigns.Length)] : default;
                var url = "https://www.acme-analytics.com" + s_paths[page];
                if (campaign.Source is not null)
                {
                    url += $"?utm_source={campaign.Source}&utm_medium={campaign.Medium}&utm_campaign={campaign.Campaign}";
                    if (campaign.Content is not null)
                        url += "&utm_content=" + campaign.Content;
                    if (campaign.Medium == "cpc" && campaign.Source == "google")
                        url += "&gclid=Cj0KCQjw" + random.NextInt64().ToString("x", CultureInfo.InvariantCulture);
                }
                var kind = random.Next(100);
                var type = kind < 70 ? "page" : kind < 95 ? "track" : "identify";

                json.WriteStartObject();
                json.WriteString("messageId", $"lg-{runId}-{new string((char)Placeholder, IdDigits)}");
                json.WriteString("type", type);
                json.WriteString("anonymousId", anonymousId);
                string? userId = type == "identify" || (type == "track" && random.Next(2) == 0) ? $"user-{random.Next(100_000)}" : null;
                if (userId is not null)
                    json.WriteString("userId", userId);
                if (type == "page")
                    json.WriteString("name", s_titles[page]);
                if (type == "track")
                    json.WriteString("event", Pick(s_trackEvents));
                json.WriteString("timestamp", Iso(now.AddMilliseconds(-random.Next(60_000))));
                json.WriteStartObject("context");
                json.WriteStartObject("page");
                json.WriteString("url", url);
                json.WriteString("path", s_paths[page]);
                json.WriteString("referrer", Pick(s_referrers));
                json.WriteString("title", s_titles[page]);
                json.WriteEndObject();
                json.WriteString("userAgent", Pick(s_userAgents));
                json.WriteString("ip", $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");
                json.WriteString("locale", "en-US");
                json.WriteStartObject("library");
                json.WriteString("name", "analytics.js");
                json.WriteString("version", "npm:next-1.70.0");
                json.WriteEndObject();
                if (campaign.Source is not null)
                {
                    json.WriteStartObject("campaign");
                    json.WriteString("source", campaign.Source);
                    json.WriteString("medium", campaign.Medium);
                    json.WriteString("name", campaign.Campaign);
                    if (campaign.Content is not null)
                        json.WriteString("content", campaign.Content);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteStartObject("properties");
                json.WriteString("url", url);
                json.WriteString("title", s_titles[page]);
                if (type == "track")
                {
                    json.WriteString("plan", random.Next(2) == 0 ? "pro" : "enterprise");
                    json.WriteNumber("value", random.Next(0, 5000));
                }
                json.WriteEndObject();
                if (type == "identify")
                {
                    json.WriteStartObject("traits");
                    var company = Pick(s_companies);
                    json.WriteString("email", $"{userId}@{company.ToLowerInvariant()}.example");
                    json.WriteString("company", company);
                    json.WriteString("title", "Head of Marketing");
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("sentAt", Iso(now));
            json.WriteEndObject();
        }
        var body = stream.ToArray();
        var offsets = new List<int>(events);
        var run = new byte[IdDigits];
        Array.Fill(run, Placeholder);
        for (var at = body.AsSpan().IndexOf(run); at >= 0;)
        {
            offsets.Add(at);
            var next = body.AsSpan(at + IdDigits).IndexOf(run);
            at = next < 0 ? -1 : at + IdDigits + next;
        }
        if (offsets.Count != events)
            throw new InvalidOperationException($"template has {offsets.Count} id placeholders for {events} events");
        return new BatchTemplate(body, [.. offsets]);
    }

    private static string NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static void WriteHex(Span<byte> destination, ulong value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }
}
