using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_spans_return_the_same_instance()
    {
        var pool = new StringPool();
        var a = pool.Intern("google.com".AsSpan());
        var b = pool.Intern("xgoogle.com".AsSpan(1));
        Assert.Same(a, b);
        Assert.Equal("google.com", a);
    }

    [Fact]
    public void Long_values_are_not_pooled()
    {
        var pool = new StringPool(maxLength: 4);
        var a = pool.Intern("abcdef".AsSpan());
        var b = pool.Intern("abcdef".AsSpan());
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_colliding_value_replaces_the_slot_and_stays_correct()
    {
        var pool = new StringPool(capacityPowerOfTwo: 1);
        Assert.Equal("a", pool.Intern("a".AsSpan()));
        Assert.Equal("b", pool.Intern("b".AsSpan()));
        Assert.Equal("a", pool.Intern("a".AsSpan()));
    }

    [Fact]
    public void Enriched_events_share_hosts_sources_and_mediums()
    {
        var enricher = new EventEnricher();
        var first = enricher.Enrich(TestEvents.Page("https://shop.test/?utm_source=news&utm_medium=email", "https://blog.example/"), TestEvents.LoadTime).Event!;
        var second = enricher.Enrich(TestEvents.Page("https://shop.test/?utm_source=news&utm_medium=email", "https://blog.example/"), TestEvents.LoadTime).Event!;
        Assert.Same(first.PageHost, second.PageHost);
        Assert.Same(first.PagePath, second.PagePath);
        Assert.Same(first.Source, second.Source);
        Assert.Same(first.Medium, second.Medium);
        Assert.Same(first.ReferrerHost, second.ReferrerHost);
    }

    [Fact]
    public void Enrich_is_thread_safe()
    {
        var enricher = new EventEnricher();
        var urls = new[] { "https://a.test/?utm_source=s1&utm_medium=cpc", "https://b.test/?gclid=x", "https://c.test/" };
        var expected = urls.Select(u => enricher.Enrich(TestEvents.Page(u, "https://www.google.com/"), TestEvents.LoadTime).Event!.Channel).ToArray();
        Parallel.For(0, 20_000, i =>
        {
            var e = enricher.Enrich(TestEvents.Page(urls[i % 3], "https://www.google.com/"), TestEvents.LoadTime).Event!;
            Assert.Equal(expected[i % 3], e.Channel);
        });
        Assert.Equal(["Paid Other", "Paid Search", "Organic Search"], expected);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64)")]
    [InlineData("Zürich café")]
    public void Utf8_values_come_back_as_one_shared_instance_equal_to_the_text(string text)
    {
        var pool = new StringPool();
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);

        var first = pool.Intern(bytes);
        var second = pool.Intern(bytes.AsSpan());

        Assert.Equal(text, first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Utf8_values_that_differ_in_one_byte_are_not_confused()
    {
        var pool = new StringPool(capacityPowerOfTwo: 1);

        Assert.Equal("abc", pool.Intern("abc"u8));
        Assert.Equal("abd", pool.Intern("abd"u8));
        Assert.Equal("abc", pool.Intern("abc"u8));
    }
}
