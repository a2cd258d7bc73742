using System.Collections.Frozen;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// The GA4 default channel group: the rules evaluated top-down, first match wins, case-insensitively,
/// with GA4's regular expressions written out as span scans (no Regex on the hot path).
/// </summary>
public static class ChannelClassifier
{
    private static readonly FrozenSet<string> s_displayMedia = Set("display", "banner", "expandable", "interstitial", "cpm");
    private static readonly FrozenSet<string> s_socialMedia = Set("social", "social-network", "social-media", "sm", "social network", "social media");
    private static readonly FrozenSet<string> s_referralMedia = Set("referral", "app", "link");
    private static readonly FrozenSet<string> s_emailValues = Set("email", "e-mail", "e_mail", "e mail");
    private static readonly FrozenSet<string> s_channelNames = Set(
        Channels.Direct, Channels.CrossNetwork, Channels.PaidShopping, Channels.PaidSearch, Channels.PaidSocial,
        Channels.PaidVideo, Channels.Display, Channels.PaidOther, Channels.OrganicShopping, Channels.OrganicSocial,
        Channels.OrganicVideo, Channels.OrganicSearch, Channels.Referral, Channels.Email, Channels.Affiliates,
        Channels.Audio, Channels.Sms, Channels.MobilePush, Channels.Unassigned);

    /// <summary>The channel group of a visit with the final <paramref name="source"/>, <paramref name="medium"/> and <paramref name="campaign"/>.</summary>
    public static string Classify(string? source, string? medium, string? campaign)
    {
        source ??= string.Empty;
        medium ??= string.Empty;
        campaign ??= string.Empty;

        if (Is(source, "(direct)") && (Is(medium, "(none)") || Is(medium, "(not set)")))
            return Channels.Direct;
        if (campaign.Contains("cross-network", StringComparison.OrdinalIgnoreCase))
            return Channels.CrossNetwork;

        var category = SourceCategories.Of(source);
        var paid = IsPaidMedium(medium);
        var shopping = (category & SourceCategory.Shopping) != 0 || IsShoppingCampaign(campaign);
        if (paid)
        {
            if (shopping)
                return Channels.PaidShopping;
            if ((category & SourceCategory.Search) != 0)
                return Channels.PaidSearch;
            if ((category & SourceCategory.Social) != 0)
                return Channels.PaidSocial;
            if ((category & SourceCategory.Video) != 0)
                return Channels.PaidVideo;
        }
        // Display sits between the paid rules and Paid Other; "cpm" also matches the paid regex, so order matters.
        if (s_displayMedia.Contains(medium))
            return Channels.Display;
        if (paid)
            return Channels.PaidOther;
        if (shopping)
            return Channels.OrganicShopping;
        if ((category & SourceCategory.Social) != 0 || s_socialMedia.Contains(medium))
            return Channels.OrganicSocial;
        if ((category & SourceCategory.Video) != 0 || medium.Contains("video", StringComparison.OrdinalIgnoreCase))
            return Channels.OrganicVideo;
        if ((category & SourceCategory.Search) != 0 || Is(medium, "organic"))
            return Channels.OrganicSearch;
        if (s_referralMedia.Contains(medium))
            return Channels.Referral;
        if (s_emailValues.Contains(source) || s_emailValues.Contains(medium))
            return Channels.Email;
        if (Is(medium, "affiliate"))
            return Channels.Affiliates;
        if (Is(medium, "audio"))
            return Channels.Audio;
        if (Is(source, "sms") || Is(medium, "sms"))
            return Channels.Sms;
        if (medium.EndsWith("push", StringComparison.OrdinalIgnoreCase)
            || medium.Contains("mobile", StringComparison.OrdinalIgnoreCase)
            || medium.Contains("notification", StringComparison.OrdinalIgnoreCase)
            || Is(source, "firebase"))
            return Channels.MobilePush;
        return Channels.Unassigned;
    }

    /// <summary>GA4's <c>^(.*cp.*|ppc|retargeting|paid.*)$</c>.</summary>
    public static bool IsPaidMedium(ReadOnlySpan<char> medium) =>
        medium.Contains("cp", StringComparison.OrdinalIgnoreCase)
        || medium.Equals("ppc", StringComparison.OrdinalIgnoreCase)
        || medium.Equals("retargeting", StringComparison.OrdinalIgnoreCase)
        || medium.StartsWith("paid", StringComparison.OrdinalIgnoreCase);

    /// <summary>GA4's <c>^(.*(([^a-df-z]|^)shop|shopping).*)$</c>: "shopping" anywhere, or "shop" at the start or after a character that is not a letter other than e.</summary>
    public static bool IsShoppingCampaign(ReadOnlySpan<char> campaign)
    {
        if (campaign.Contains("shopping", StringComparison.OrdinalIgnoreCase))
            return true;
        var offset = 0;
        while (true)
        {
            var index = campaign[offset..].IndexOf("shop", StringComparison.OrdinalIgnoreCase);
            if (index < 0)
                return false;
            index += offset;
            if (index == 0)
                return true;
            var before = char.ToLowerInvariant(campaign[index - 1]);
            if (before is not ((>= 'a' and <= 'd') or (>= 'f' and <= 'z')))
                return true;
            offset = index + 1;
        }
    }

    /// <summary>
    /// An explicitly given channel: a known channel group name in any case becomes its canonical spelling
    /// (<c>paid search</c> is <see cref="Channels.PaidSearch"/>); any other value is a custom channel kept as given.
    /// </summary>
    public static string Canonicalize(string channel) =>
        s_channelNames.TryGetValue(channel, out var canonical) ? canonical : channel;

    private static bool Is(string value, string expected) => value.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static FrozenSet<string> Set(params string[] values) => values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}
