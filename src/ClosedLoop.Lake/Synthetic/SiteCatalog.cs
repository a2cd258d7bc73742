namespace ClosedLoop.Lake.Synthetic;

/// <summary>A page of the synthetic B2B SaaS site.</summary>
internal sealed record SitePage(string Path, string Title);

/// <summary>A paid campaign: its UTM tags and what its clicks cost.</summary>
internal sealed record PaidCampaign(LandingSource Source, string Channel, string UtmSource, string UtmMedium, string Name, double CostPerClick, double ClickThroughRate);

/// <summary>The fixed vocabulary of the synthetic world: the site, its campaigns, referrers and people.</summary>
internal static class SiteCatalog
{
    public const string Origin = "https://www.acme-analytics.com";

    public static readonly SitePage Home = new("/", "Acme Analytics | Closed-loop marketing attribution");
    public static readonly SitePage Pricing = new("/pricing", "Pricing | Acme Analytics");
    public static readonly SitePage Demo = new("/demo", "Book a demo | Acme Analytics");
    public static readonly SitePage Contact = new("/contact", "Contact sales | Acme Analytics");
    public static readonly SitePage SignUp = new("/signup", "Start your free trial | Acme Analytics");
    public static readonly SitePage Login = new("/login", "Log in | Acme Analytics");

    public static readonly SitePage[] Features =
    [
        new("/features/attribution", "Multi-touch attribution | Acme Analytics"),
        new("/features/identity-resolution", "Identity resolution | Acme Analytics"),
        new("/features/dashboards", "Revenue dashboards | Acme Analytics"),
        new("/features/integrations", "Integrations | Acme Analytics"),
    ];

    public static readonly SitePage[] Blog =
    [
        new("/blog/multi-touch-attribution-guide", "The complete guide to multi-touch attribution"),
        new("/blog/utm-best-practices", "UTM parameters: 12 best practices"),
        new("/blog/closed-loop-reporting", "What is closed-loop reporting?"),
        new("/blog/markov-chain-attribution", "Markov chain attribution, explained"),
        new("/blog/b2b-funnel-metrics", "B2B funnel metrics that matter"),
        new("/blog/first-touch-vs-last-touch", "First touch vs last touch attribution"),
    ];

    public static readonly SitePage[] Other =
    [
        new("/customers", "Customers | Acme Analytics"),
        new("/customers/globex-case-study", "How Globex doubled pipeline | Acme Analytics"),
        new("/integrations/hubspot", "HubSpot integration | Acme Analytics"),
        new("/integrations/salesforce", "Salesforce integration | Acme Analytics"),
        new("/docs/getting-started", "Getting started | Acme Analytics Docs"),
        new("/about", "About us | Acme Analytics"),
    ];

    /// <summary>Pages visited inside a session after the landing page, weighted by repetition.</summary>
    public static readonly SitePage[] Browse =
    [
        Home, Pricing, Pricing, Pricing, Demo,
        Features[0], Features[0], Features[1], Features[2], Features[3],
        Blog[0], Blog[1], Blog[2], Other[0], Other[1], Other[2], Other[3], Other[4], Other[5],
    ];

    public static readonly PaidCampaign[] PaidCampaigns =
    [
        new(LandingSource.GoogleAds, "Paid Search", "google", "cpc", "brand-search", 2.40, 0.085),
        new(LandingSource.GoogleAds, "Paid Search", "google", "cpc", "competitor-search", 9.80, 0.032),
        new(LandingSource.GoogleAds, "Paid Search", "google", "cpc", "attribution-software-generic", 12.50, 0.027),
        new(LandingSource.LinkedInAds, "Paid Social", "linkedin", "paid_social", "abm-enterprise", 11.20, 0.006),
        new(LandingSource.LinkedInAds, "Paid Social", "linkedin", "paid_social", "webinar-attribution-101", 7.60, 0.009),
        new(LandingSource.FacebookAds, "Paid Social", "facebook", "cpc", "retargeting-trial", 1.90, 0.011),
        new(LandingSource.FacebookAds, "Paid Social", "facebook", "cpc", "lookalike-saas-marketers", 2.70, 0.008),
    ];

    public static readonly string[] SearchTerms =
    [
        "acme analytics", "marketing attribution software", "multi touch attribution tool", "hubspot attribution",
        "closed loop reporting", "b2b attribution", "utm tracking tool", "revenue attribution",
    ];

    public static readonly string[] NewsletterCampaigns = ["newsletter-weekly", "newsletter-product-update", "nurture-trial-day3", "webinar-invite"];

    public static readonly (string UtmSource, string Referrer)[] Partners =
    [
        ("hubspot-marketplace", "https://ecosystem.hubspot.com/marketplace/apps/acme-analytics"),
        ("g2", "https://www.g2.com/products/acme-analytics/reviews"),
        ("agency-growthlab", "https://growthlab.agency/partners/"),
    ];

    public static readonly string[] SearchReferrers =
    [
        "https://www.google.com/", "https://www.google.com/", "https://www.google.com/", "https://www.google.com/",
        "https://www.google.co.uk/", "https://www.google.de/", "https://www.bing.com/", "https://duckduckgo.com/",
    ];

    public static readonly string[] SocialReferrers =
    [
        "https://www.linkedin.com/", "https://www.linkedin.com/", "https://lnkd.in/", "https://t.co/", "https://www.facebook.com/", "https://l.facebook.com/",
    ];

    public static readonly string[] OtherReferrers =
    [
        "https://news.ycombinator.com/", "https://www.capterra.com/p/201234/Acme-Analytics/", "https://medium.com/@growthops/attribution-stack-2025",
        "https://www.producthunt.com/products/acme-analytics", "https://martech.org/attribution-tools-roundup/", "https://github.com/acme-analytics/tracker",
    ];

    public static readonly string[] FirstNames =
    [
        "jane", "john", "maria", "david", "sarah", "michael", "emma", "daniel", "olivia", "james", "sophia", "robert",
        "ava", "william", "mia", "lucas", "chloe", "noah", "priya", "wei", "fatima", "carlos", "anna", "ethan",
        "grace", "omar", "lena", "tom", "yuki", "ahmed", "isabel", "kevin", "nina", "paul", "rachel", "sam",
    ];

    public static readonly string[] LastNames =
    [
        "doe", "smith", "garcia", "johnson", "lee", "brown", "martinez", "davis", "miller", "wilson", "anderson", "taylor",
        "thomas", "moore", "jackson", "white", "harris", "clark", "lewis", "walker", "patel", "chen", "nguyen", "kim",
        "mueller", "schmidt", "rossi", "dubois", "silva", "kowalski", "novak", "olsen", "okafor", "haddad", "ito", "costa",
    ];

    public static readonly (string Name, string Domain)[] Companies =
    [
        ("Globex Corporation", "globex.com"), ("Initech, Inc.", "initech.io"), ("Umbrella Health", "umbrella-health.com"),
        ("Stark Logistics", "starklogistics.com"), ("Wayne Fintech", "waynefintech.com"), ("Hooli", "hooli.xyz"),
        ("Pied Piper", "piedpiper.net"), ("Soylent Foods", "soylent-foods.com"), ("Vandelay Industries", "vandelay.co"),
        ("Acme Retail Group", "acmeretail.com"), ("Cyberdyne Systems", "cyberdyne.ai"), ("Tyrell Biotech", "tyrell.bio"),
        ("Massive Dynamic", "massivedynamic.com"), ("Oscorp Software", "oscorp.dev"), ("Aperture Labs", "aperturelabs.org"),
        ("Gringotts Payments", "gringotts.finance"), ("Dunder Mifflin Paper", "dundermifflin.com"), ("Monarch Travel", "monarchtravel.com"),
        ("Blue Sun SaaS", "bluesun.cloud"), ("Nakatomi Trading", "nakatomi.jp"), ("Wonka Confectionery", "wonka.co.uk"),
        ("Prestige Worldwide", "prestigeworldwide.com"), ("Bluth Homes", "bluthhomes.com"), ("Sterling Cooper", "sterlingcooper.agency"),
    ];

    public static readonly string[] FreeMailDomains = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "proton.me"];

    public static readonly string[] JobTitles =
    [
        "Marketing Manager", "Head of Marketing", "VP Marketing", "CMO", "Demand Generation Manager", "Growth Marketer",
        "Marketing Operations Manager", "Revenue Operations Lead", "Data Analyst", "Head of Growth", "Digital Marketing Specialist",
        "Director of Demand Gen", "CEO", "Founder", "Sales Director",
    ];

    /// <summary>User agents by device kind: the first block is desktop, the rest mobile.</summary>
    public static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ];

    public static readonly string[] SignUpPlans = ["free", "free", "starter", "team"];

    public static double PlanRevenue(string plan) => plan switch
    {
        "starter" => 49.0,
        "team" => 299.0,
        _ => 0.0,
    };
}
