using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Tests.Enrichment;

public sealed class ChannelClassifierTests
{
    [Theory]
    // Each rule with a positive case, then cases where an earlier rule must win.
    [InlineData("(direct)", "(none)", null, Channels.Direct)]
    [InlineData("(direct)", "(not set)", null, Channels.Direct)]
    [InlineData("(DIRECT)", "(None)", null, Channels.Direct)]
    [InlineData("(direct)", "cpc", null, Channels.PaidOther)]
    [InlineData("google", "cpc", "Cross-Network PMax", Channels.CrossNetwork)]
    [InlineData("(direct)", "(none)", "cross-network", Channels.Direct)]
    [InlineData("google", "cpc", "summer_shopping", Channels.PaidShopping)]
    [InlineData("amazon", "paid", null, Channels.PaidShopping)]
    [InlineData("facebook", "cpc", "shop-now", Channels.PaidShopping)]
    [InlineData("Google", "CPC", null, Channels.PaidSearch)]
    [InlineData("bing", "ppc", null, Channels.PaidSearch)]
    [InlineData("google", "retargeting", null, Channels.PaidSearch)]
    [InlineData("facebook", "paid_social", null, Channels.PaidSocial)]
    [InlineData("linkedin", "cpc", null, Channels.PaidSocial)]
    [InlineData("youtube", "cpv", null, Channels.PaidVideo)]
    [InlineData("newsletter", "display", null, Channels.Display)]
    [InlineData("partner", "banner", null, Channels.Display)]
    [InlineData("google", "cpm", null, Channels.PaidSearch)]
    [InlineData("somenetwork", "cpm", null, Channels.Display)]
    [InlineData("somenetwork", "cpc", null, Channels.PaidOther)]
    [InlineData("newsletter", "paidpush", null, Channels.PaidOther)]
    [InlineData("ebay", "referral", null, Channels.OrganicShopping)]
    [InlineData("blog", "referral", "shop_launch", Channels.OrganicShopping)]
    [InlineData("blog", "referral", "workshop", Channels.Referral)]
    [InlineData("blog", "referral", "eshop", Channels.OrganicShopping)]
    [InlineData("blog", "referral", "2024shop", Channels.OrganicShopping)]
    [InlineData("facebook", "social", null, Channels.OrganicSocial)]
    [InlineData("instagram", "referral", null, Channels.OrganicSocial)]
    [InlineData("mastodon", "social-network", null, Channels.OrganicSocial)]
    [InlineData("mastodon", "SM", null, Channels.OrganicSocial)]
    [InlineData("youtube.com", "referral", null, Channels.OrganicVideo)]
    [InlineData("newsletter", "video_embed", null, Channels.OrganicVideo)]
    [InlineData("google", "organic", null, Channels.OrganicSearch)]
    [InlineData("google", "referral", null, Channels.OrganicSearch)]
    [InlineData("whatever", "Organic", null, Channels.OrganicSearch)]
    [InlineData("partner.com", "referral", null, Channels.Referral)]
    [InlineData("partner", "app", null, Channels.Referral)]
    [InlineData("partner", "link", null, Channels.Referral)]
    [InlineData("newsletter", "email", null, Channels.Email)]
    [InlineData("e-mail", "blast", null, Channels.Email)]
    [InlineData("Email", "(not set)", null, Channels.Email)]
    [InlineData("e mail", "x", null, Channels.Email)]
    [InlineData("google", "email", null, Channels.OrganicSearch)]
    [InlineData("impact", "affiliate", null, Channels.Affiliates)]
    [InlineData("spotify_ad", "audio", null, Channels.Audio)]
    [InlineData("sms", "text", null, Channels.Sms)]
    [InlineData("twilio", "SMS", null, Channels.Sms)]
    [InlineData("app", "web_push", null, Channels.MobilePush)]
    [InlineData("app", "mobile_app", null, Channels.MobilePush)]
    [InlineData("app", "notification", null, Channels.MobilePush)]
    [InlineData("firebase", "x", null, Channels.MobilePush)]
    [InlineData("newsletter", "(not set)", null, Channels.Unassigned)]
    [InlineData(null, null, null, Channels.Unassigned)]
    public void Ga4_rules_first_match_wins(string? source, string? medium, string? campaign, string channel)
    {
        Assert.Equal(channel, ChannelClassifier.Classify(source, medium, campaign));
    }

    [Theory]
    [InlineData("cpc", true)]
    [InlineData("CPC", true)]
    [InlineData("xcpx", true)]
    [InlineData("ppc", true)]
    [InlineData("retargeting", true)]
    [InlineData("paid_search", true)]
    [InlineData("ppcx", false)]
    [InlineData("unpaid", false)]
    [InlineData("organic", false)]
    public void Paid_medium_matches_the_ga4_regex(string medium, bool paid)
    {
        Assert.Equal(paid, ChannelClassifier.IsPaidMedium(medium));
    }

    [Theory]
    [InlineData("shop", true)]
    [InlineData("Shop_Spring", true)]
    [InlineData("Spring_Shop", true)]
    [InlineData("eshop", true)]
    [InlineData("ESHOP", true)]
    [InlineData("workshop", false)]
    [InlineData("bishop", false)]
    [InlineData("workshop shopping", true)]
    [InlineData("workshop-shop", true)]
    [InlineData("", false)]
    public void Shopping_campaign_matches_the_ga4_regex(string campaign, bool shopping)
    {
        Assert.Equal(shopping, ChannelClassifier.IsShoppingCampaign(campaign));
    }

    [Fact]
    public void The_ga4_source_list_is_loaded_from_the_embedded_resource()
    {
        Assert.True(SourceCategories.Count > 800);
        Assert.Equal(SourceCategory.Search, SourceCategories.Of("Google"));
        Assert.Equal(SourceCategory.Social, SourceCategories.Of("facebook.com"));
        Assert.Equal(SourceCategory.Shopping, SourceCategories.Of("etsy"));
        Assert.Equal(SourceCategory.Video, SourceCategories.Of("vimeo"));
        Assert.Equal(SourceCategory.None, SourceCategories.Of("example.com"));
    }
}
