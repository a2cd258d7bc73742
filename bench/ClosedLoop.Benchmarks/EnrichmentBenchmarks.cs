using BenchmarkDotNet.Attributes;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Benchmarks;

/// <summary>Enrichment on the load hot path: a fixed, realistic mix of landings, referrers and click ids.</summary>
[MemoryDiagnoser]
public class EnrichmentBenchmarks
{
    private const int EventCount = 1000;
    private static readonly DateTime s_loadTime = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly EventEnricher _enricher = new(new EnrichmentOptions { OwnDomains = ["shop.example"] });
    private RawEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        string[] landings =
        [
            "https://www.shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand_search&utm_term=running+shoes",
            "https://shop.example/sale?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale",
            "https://shop.example/p/trail-2?utm_source=facebook&utm_medium=paid_social&utm_content=carousel",
            "https://shop.example/#/pricing?utm_source=partner&utm_medium=affiliate",
            "https://shop.example/p/road-5?gclid=Cj0KCQiA5rGuBhCnARIsAN11vgQ",
            "https://shop.example/?fbclid=IwAR2xYz&ref=feed",
            "https://shop.example/?msclkid=7f3a9b1c2d",
            "https://shop.example/blog/how-to-choose",
            "https://shop.example/",
            "https://shop.example/cart",
        ];
        string?[] referrers =
        [
            null, "https://www.google.com/", "https://www.google.co.uk/", "https://www.bing.com/search?q=shoes",
            "https://duckduckgo.com/", "https://l.facebook.com/l.php?u=x", "https://t.co/abc", "https://www.reddit.com/r/running",
            "https://news.example.org/article", "https://checkout.stripe.com/pay", "https://shop.example/p/road-5", "",
        ];
        var random = new Random(42);
        _events = new RawEvent[EventCount];
        for (var i = 0; i < EventCount; i++)
        {
            var landing = landings[random.Next(landings.Length)];
            _events[i] = new RawEvent
            {
                EventId = $"evt-{i}",
                Timestamp = s_loadTime.AddSeconds(-random.Next(86_400)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                AnonymousId = $"anon-{random.Next(300)}",
                UserId = random.Next(4) == 0 ? $"user-{random.Next(100)}" : null,
                Email = random.Next(10) == 0 ? $" User{random.Next(100)}@Example.com " : null,
                Type = random.Next(5) == 0 ? "track" : "page",
                EventName = "Product Viewed",
                Url = landing,
                Referrer = landing.Contains("utm_", StringComparison.Ordinal) ? null : referrers[random.Next(referrers.Length)],
                UserAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15",
                Ip = "203.0.113.7",
            };
        }
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int Enrich()
    {
        var loaded = 0;
        foreach (var raw in _events)
        {
            if (_enricher.Enrich(raw, s_loadTime).Event is not null)
                loaded++;
        }
        return loaded;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public int ClassifyChannel()
    {
        var hash = 0;
        for (var i = 0; i < EventCount; i++)
            hash += ChannelClassifier.Classify(i % 3 == 0 ? "google" : "newsletter", i % 2 == 0 ? "cpc" : "email", null).Length;
        return hash;
    }
}
