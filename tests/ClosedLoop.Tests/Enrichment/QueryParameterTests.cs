using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class QueryParameterTests
{
    [Fact]
    public void Utm_values_are_read_and_kept_as_sent()
    {
        var e = TestEvents.Enrich(TestEvents.Page(
            "https://example.com/?utm_source=Newsletter&utm_medium=Email&utm_campaign=Spring_Sale&utm_term=Shoes&utm_content=Hero"));
        Assert.Equal(("Newsletter", "Email", "Spring_Sale", "Shoes", "Hero"), (e.Source, e.Medium, e.Campaign, e.Term, e.Content));
    }

    [Theory]
    [InlineData("https://example.com/?utm_source=a+b%20c", "a b c")]
    [InlineData("https://example.com/?utm_source=caf%C3%A9", "café")]
    [InlineData("https://example.com/?utm_source=100%25", "100%")]
    [InlineData("https://example.com/?utm_source=100%", "100%")]
    [InlineData("https://example.com/?utm_source=%zz", "%zz")]
    [InlineData("https://example.com/?utm_source=a%2", "a%2")]
    [InlineData("https://example.com/?utm_source=%2Bplus", "+plus")]
    [InlineData("https://example.com/?utm_source=x%26y%3Dz", "x&y=z")]
    [InlineData("https://x.com/%zz?utm_source=%", "%")]
    public void Values_are_percent_decoded_with_plus_as_space(string url, string source)
    {
        Assert.Equal(source, TestEvents.Enrich(TestEvents.Page(url)).Source);
    }

    [Theory]
    [InlineData("https://example.com/#/pricing?utm_source=x&utm_medium=cpc", "x", "cpc")]
    [InlineData("https://example.com/#utm_source=x&utm_medium=cpc", "x", "cpc")]
    [InlineData("https://example.com/?utm_source=q#/p?utm_source=f&utm_medium=cpc", "q", "cpc")]
    public void Utms_in_the_fragment_are_read_after_the_query(string url, string source, string medium)
    {
        var e = TestEvents.Enrich(TestEvents.Page(url));
        Assert.Equal((source, medium), (e.Source, e.Medium));
    }

    [Theory]
    [InlineData("https://example.com/?utm_source=first&utm_source=second", "first")]
    [InlineData("https://example.com/?UTM_SOURCE=upper&utm_source=lower", "upper")]
    [InlineData("https://example.com/?utm_source=&utm_source=later", "later")]
    [InlineData("https://example.com/?utm_sourcex=no&utm_source=yes", "yes")]
    [InlineData("https://example.com/?utm_source&utm_source=yes", "yes")]
    public void First_non_empty_occurrence_wins_and_names_ignore_case(string url, string source)
    {
        Assert.Equal(source, TestEvents.Enrich(TestEvents.Page(url)).Source);
    }

    [Fact]
    public void Explicit_fields_override_the_url()
    {
        var raw = TestEvents.Page("https://example.com/?utm_source=url&utm_medium=cpc&utm_campaign=c1&utm_term=t&utm_content=k");
        raw.UtmSource = "explicit";
        raw.UtmCampaign = " c2 ";
        var e = TestEvents.Enrich(raw);
        Assert.Equal(("explicit", "cpc", "c2", "t", "k"), (e.Source, e.Medium, e.Campaign, e.Term, e.Content));
    }

    [Fact]
    public void An_explicit_channel_overrides_the_computed_one()
    {
        var raw = TestEvents.Page("https://example.com/?utm_source=google&utm_medium=cpc");
        raw.Channel = "Partners";
        Assert.Equal("Partners", TestEvents.Enrich(raw).Channel);
        raw.Channel = "paid social";
        Assert.Equal("Paid Social", TestEvents.Enrich(raw).Channel);
        raw.Channel = "  ";
        Assert.Equal("Paid Search", TestEvents.Enrich(raw).Channel);
    }

    [Fact]
    public void Only_source_or_medium_leaves_the_other_not_set()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://example.com/?utm_source=newsletter", "https://www.google.com/"));
        Assert.Equal(("newsletter", "(not set)"), (e.Source, e.Medium));
        e = TestEvents.Enrich(TestEvents.Page("https://example.com/?utm_medium=email"));
        Assert.Equal(("(not set)", "email"), (e.Source, e.Medium));
        Assert.Equal("Email", e.Channel);
    }

    [Fact]
    public void A_campaign_alone_does_not_hide_the_referrer()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://example.com/?utm_campaign=spring", "https://www.bing.com/"));
        Assert.Equal(("bing", "organic", "spring"), (e.Source, e.Medium, e.Campaign));
    }

    [Fact]
    public void Decoder_returns_null_for_blank_values()
    {
        Assert.Null(PercentDecoder.Decode("+%20+", pool: null));
        Assert.Equal("x", PercentDecoder.Decode(" x ", pool: null));
    }

    [Fact]
    public void Long_values_are_decoded_through_pooled_buffers()
    {
        var value = string.Concat(Enumerable.Repeat("%C3%A9", 400));
        Assert.Equal(new string('é', 400), PercentDecoder.Decode(value, pool: null));
    }
}
