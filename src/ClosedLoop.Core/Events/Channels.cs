namespace ClosedLoop.Core.Events;

/// <summary>The GA4 default channel group names, in the order the rules are evaluated.</summary>
public static class Channels
{
    public const string Direct = "Direct";
    public const string CrossNetwork = "Cross-network";
    public const string PaidShopping = "Paid Shopping";
    public const string PaidSearch = "Paid Search";
    public const string PaidSocial = "Paid Social";
    public const string PaidVideo = "Paid Video";
    public const string Display = "Display";
    public const string PaidOther = "Paid Other";
    public const string OrganicShopping = "Organic Shopping";
    public const string OrganicSocial = "Organic Social";
    public const string OrganicVideo = "Organic Video";
    public const string OrganicSearch = "Organic Search";
    public const string Referral = "Referral";
    public const string Email = "Email";
    public const string Affiliates = "Affiliates";
    public const string Audio = "Audio";
    public const string Sms = "SMS";
    public const string MobilePush = "Mobile Push Notifications";
    public const string Unassigned = "Unassigned";
}
