using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class ReferralExclusionTests
{
    private static readonly EnrichmentOptions s_options = new()
    {
        OwnDomains = ["shop.test", "https://www.brand.example/"],
        ReferralExclusions = [.. EnrichmentOptions.DefaultReferralExclusions, "partner.example/sso"],
    };

    [Theory]
    [InlineData("https://www.paypal.com/checkoutnow", "paypal.com")]
    [InlineData("https://checkout.stripe.com/c/pay", "checkout.stripe.com")]
    [InlineData("https://hooks.stripe.com/", "hooks.stripe.com")]
    [InlineData("https://accounts.google.com/o/oauth2", "accounts.google.com")]
    [InlineData("https://github.com/login/oauth/authorize", "github.com")]
    [InlineData("https://partner.example/sso/callback", "partner.example")]
    [InlineData("https://shop.test/cart", "shop.test")]
    [InlineData("https://blog.shop.test/", "blog.shop.test")]
    [InlineData("https://brand.example/", "brand.example")]
    [InlineData("https://www.landing.test/", "landing.test")]
    public void Excluded_referrers_are_direct_and_flagged(string referrer, string host)
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://landing.test/", referrer), s_options);
        Assert.True(e.ReferralExcluded);
        Assert.Equal(("(direct)", "(none)", "Direct"), (e.Source, e.Medium, e.Channel));
        Assert.Equal(host, e.ReferrerHost);
    }

    [Theory]
    [InlineData("https://github.com/dotnet/runtime", "github.com")]
    [InlineData("https://partner.example/blog", "partner.example")]
    [InlineData("https://notshop.test/", "notshop.test")]
    [InlineData("https://paypal.com.evil.example/", "paypal.com.evil.example")]
    public void Other_pages_of_the_same_sites_are_referrals(string referrer, string source)
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://landing.test/", referrer), s_options);
        Assert.False(e.ReferralExcluded);
        Assert.Equal((source, "referral"), (e.Source, e.Medium));
    }

    [Fact]
    public void A_referrer_on_the_page_host_is_internal_without_configuration()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://www.acme.test/pricing", "https://acme.test/"));
        Assert.True(e.ReferralExcluded);
        Assert.Equal(("(direct)", "(none)"), (e.Source, e.Medium));
    }

    [Fact]
    public void Utms_on_an_internal_referral_still_count_and_are_not_flagged()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://shop.test/?utm_source=banner&utm_medium=display", "https://shop.test/"), s_options);
        Assert.False(e.ReferralExcluded);
        Assert.Equal(("banner", "display", "Display"), (e.Source, e.Medium, e.Channel));
        Assert.Equal("shop.test", e.ReferrerHost);
    }
}
