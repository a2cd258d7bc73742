namespace ClosedLoop.Tests.Enrichment;

public sealed class ReferrerTests
{
    [Theory]
    [InlineData("https://www.google.com/", "google.com", "google", "organic", "Organic Search")]
    [InlineData("https://www.google.co.uk/search?q=x", "google.co.uk", "google", "organic", "Organic Search")]
    [InlineData("https://google.de", "google.de", "google", "organic", "Organic Search")]
    [InlineData("https://www.bing.com/", "bing.com", "bing", "organic", "Organic Search")]
    [InlineData("https://search.yahoo.co.jp/", "search.yahoo.co.jp", "yahoo", "organic", "Organic Search")]
    [InlineData("https://duckduckgo.com/", "duckduckgo.com", "duckduckgo", "organic", "Organic Search")]
    [InlineData("https://www.ecosia.org/", "ecosia.org", "ecosia", "organic", "Organic Search")]
    [InlineData("https://yandex.com.tr/", "yandex.com.tr", "yandex", "organic", "Organic Search")]
    [InlineData("android-app://com.google.android.googlequicksearchbox/", "com.google.android.googlequicksearchbox", "google", "organic", "Organic Search")]
    [InlineData("https://www.facebook.com/", "facebook.com", "facebook", "social", "Organic Social")]
    [InlineData("https://l.facebook.com/l.php?u=x", "l.facebook.com", "facebook", "social", "Organic Social")]
    [InlineData("https://lm.facebook.com/", "lm.facebook.com", "facebook", "social", "Organic Social")]
    [InlineData("https://m.facebook.com/", "m.facebook.com", "facebook", "social", "Organic Social")]
    [InlineData("https://www.linkedin.com/feed/", "linkedin.com", "linkedin", "social", "Organic Social")]
    [InlineData("https://t.co/abc", "t.co", "twitter", "social", "Organic Social")]
    [InlineData("https://x.com/someone", "x.com", "twitter", "social", "Organic Social")]
    [InlineData("https://old.reddit.com/r/dotnet", "old.reddit.com", "reddit", "social", "Organic Social")]
    [InlineData("https://news.ycombinator.com/", "news.ycombinator.com", "news.ycombinator.com", "social", "Organic Social")]
    [InlineData("https://www.youtube.com/watch?v=1", "youtube.com", "youtube.com", "referral", "Organic Video")]
    [InlineData("https://lnkd.in/abc", "lnkd.in", "linkedin", "social", "Organic Social")]
    [InlineData("https://blog.example.org/post", "blog.example.org", "blog.example.org", "referral", "Referral")]
    [InlineData("https://mail.google.com/mail/u/0/", "mail.google.com", "mail.google.com", "referral", "Referral")]
    [InlineData("HTTPS://WWW.Partner.COM:443/x", "partner.com", "partner.com", "referral", "Referral")]
    public void The_referrer_host_gives_source_and_medium(string referrer, string host, string source, string medium, string channel)
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://shop.test/", referrer));
        Assert.Equal((host, source, medium, channel), (e.ReferrerHost, e.Source, e.Medium, e.Channel));
        Assert.False(e.ReferralExcluded);
        Assert.Equal(referrer, e.Referrer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("not a url")]
    [InlineData("http://")]
    [InlineData("about:blank")]
    public void No_usable_referrer_is_direct(string? referrer)
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://shop.test/", referrer));
        Assert.Equal(("(direct)", "(none)", "Direct"), (e.Source, e.Medium, e.Channel));
        Assert.Null(e.ReferrerHost);
        Assert.False(e.ReferralExcluded);
    }

    [Fact]
    public void Utms_win_over_the_referrer_but_the_referrer_host_is_kept()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://shop.test/?utm_source=google&utm_medium=cpc", "https://www.google.com/"));
        Assert.Equal(("google", "cpc", "Paid Search"), (e.Source, e.Medium, e.Channel));
        Assert.Equal("google.com", e.ReferrerHost);
    }
}
