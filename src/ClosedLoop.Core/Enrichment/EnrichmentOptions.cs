namespace ClosedLoop.Core.Enrichment;

/// <summary>Settings for <see cref="EventEnricher"/>; the defaults are what a new user gets.</summary>
public sealed class EnrichmentOptions
{
    /// <summary>Hosts of the site itself; a referrer on one of them (or a subdomain) is internal navigation.</summary>
    public IReadOnlyList<string> OwnDomains { get; init; } = [];

    /// <summary>Referrers that never start a new touchpoint: payment providers and single sign-on.</summary>
    public IReadOnlyList<string> ReferralExclusions { get; init; } = DefaultReferralExclusions;

    /// <summary>Events further in the future than this (after skew correction) are clamped to the receive time.</summary>
    public TimeSpan FutureTolerance { get; init; } = TimeSpan.FromHours(23);

    public static readonly IReadOnlyList<string> DefaultReferralExclusions =
    [
        "paypal.com", "stripe.com", "checkout.stripe.com", "adyen.com", "klarna.com", "braintreegateway.com",
        "squareup.com", "accounts.google.com", "login.microsoftonline.com", "login.live.com", "okta.com",
        "auth0.com", "appleid.apple.com", "github.com/login",
    ];
}
