namespace ClosedLoop.Tests.Enrichment;

public sealed class ClickIdTests
{
    [Theory]
    [InlineData("gclid", "google", "cpc", "Paid Search")]
    [InlineData("gbraid", "google", "cpc", "Paid Search")]
    [InlineData("wbraid", "google", "cpc", "Paid Search")]
    [InlineData("gad_source", "google", "cpc", "Paid Search")]
    // dclid is a Display & Video 360 click: google/display, so GA4's Display rule (not Paid Search) applies.
    [InlineData("dclid", "google", "display", "Display")]
    [InlineData("msclkid", "bing", "cpc", "Paid Search")]
    [InlineData("fbclid", "facebook", "social", "Organic Social")]
    [InlineData("li_fat_id", "linkedin", "cpc", "Paid Social")]
    [InlineData("ttclid", "tiktok", "cpc", "Paid Social")]
    [InlineData("twclid", "twitter", "cpc", "Paid Social")]
    [InlineData("rdt_cid", "reddit", "cpc", "Paid Social")]
    [InlineData("sccid", "snapchat", "cpc", "Paid Social")]
    public void A_click_id_without_utms_implies_its_network(string name, string source, string medium, string channel)
    {
        var e = TestEvents.Enrich(TestEvents.Page($"https://example.com/?{name}=AbC-123_x", "https://www.example.org/"));
        Assert.Equal(("AbC-123_x", name), (e.ClickId, e.ClickIdType));
        Assert.Equal((source, medium, channel), (e.Source, e.Medium, e.Channel));
        Assert.Equal("example.org", e.ReferrerHost);
        Assert.False(e.ReferralExcluded);
    }

    [Fact]
    public void Utms_win_over_the_implied_network_but_the_click_id_is_kept()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://example.com/?gclid=Xy1&utm_source=newsletter&utm_medium=email"));
        Assert.Equal(("newsletter", "email", "Email"), (e.Source, e.Medium, e.Channel));
        Assert.Equal(("Xy1", "gclid"), (e.ClickId, e.ClickIdType));
    }

    [Theory]
    [InlineData("https://example.com/?fbclid=F&gclid=G", "G", "gclid")]
    [InlineData("https://example.com/?gad_source=1&gbraid=B", "B", "gbraid")]
    [InlineData("https://example.com/?msclkid=M&msclkid=N", "M", "msclkid")]
    [InlineData("https://example.com/?GCLID=Upper", "Upper", "gclid")]
    [InlineData("https://example.com/#/p?ttclid=T", "T", "ttclid")]
    public void The_first_click_id_in_priority_order_wins(string url, string clickId, string type)
    {
        var e = TestEvents.Enrich(TestEvents.Page(url));
        Assert.Equal((clickId, type), (e.ClickId, e.ClickIdType));
    }

    [Fact]
    public void An_empty_click_id_is_ignored()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://example.com/?gclid=&x=1"));
        Assert.Null(e.ClickId);
        Assert.Equal(("(direct)", "(none)", "Direct"), (e.Source, e.Medium, e.Channel));
    }
}
