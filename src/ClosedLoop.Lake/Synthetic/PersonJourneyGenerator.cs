using System.Globalization;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>
/// Generates one person at a time: devices, sessions with landings and page views, the lead form and
/// logins that link devices, and the CRM stages that follow. Each person draws from its own random
/// stream, so a person's journey depends only on the seed and its index.
/// </summary>
internal sealed class PersonJourneyGenerator
{
    private const long Second = 1000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;

    // A session (with a form and a sign-up) lasts well under two hours, so starting this early keeps every event inside the window.
    private const long LatestStart = 2 * Hour;

    private static readonly double[] s_deviceWeights = [0.70, 0.22, 0.08];
    private static readonly double[] s_sessionWeights = [55, 19, 11, 7, 3, 2, 1, 1, 0.5, 0.5];
    private static readonly double[] s_pageWeights = [38, 22, 14, 9, 6, 5, 3, 3];
    private static readonly int[] s_firstOctets = [23, 24, 31, 37, 45, 50, 62, 66, 73, 81, 88, 92, 98, 104, 109, 151, 176, 185, 203, 212];
    private static readonly string[] s_linkedInContent = ["carousel-cmo", "single-image-roi", "video-demo-30s", "doc-ad-guide"];

    private readonly ulong _seed;
    private readonly long _windowStart;
    private readonly long _windowEnd;
    private readonly PersonJourney _journey = new();
    private SyntheticRandom _rng = new(0);
    private int _sequence;
    private bool[] _userKnown = new bool[3];

    public PersonJourneyGenerator(ulong seed, long windowStartMs, long windowEndMs)
    {
        _seed = seed;
        _windowStart = windowStartMs;
        _windowEnd = windowEndMs;
    }

    /// <summary>A full journey; <paramref name="shared"/> makes this person pick up another's cookie.</summary>
    public PersonJourney Generate(long personIndex, SharedDeviceCandidate? shared)
    {
        _rng = SyntheticRandom.For(_seed, (ulong)personIndex);
        var j = Begin(personIndex);
        var rng = _rng;

        var maxDevices = shared is null ? 1 + rng.Weighted(s_deviceWeights) : 1;
        var sessions = 1 + rng.Weighted(s_sessionWeights);
        var t = shared is null
            ? rng.Between(_windowStart, _windowEnd - LatestStart)
            : shared.LastEventMs + rng.Between(2 * Hour, 7 * Day);
        if (shared is null)
        {
            AddDevice(null);
        }
        else
        {
            j.SharedFrom = shared;
            j.Devices.Add(new JourneyDevice { SharedCookieId = shared.AnonymousId, UserAgent = shared.UserAgent, Ip = shared.Ip });
        }

        var lastDevice = 0;
        for (var s = 0; s < sessions; s++)
        {
            if (s > 0)
            {
                var next = t + Math.Max(40 * Minute, (long)rng.Exponential(3 * Day));
                if (next >= _windowEnd - LatestStart)
                    break;
                t = next;
            }
            var device = 0;
            if (s > 0)
            {
                if (j.Devices.Count < maxDevices && rng.Chance(0.45))
                    device = AddDevice(null);
                else
                    device = rng.Next(j.Devices.Count);
            }
            var source = (LandingSource)rng.Weighted(s == 0 ? ChannelPlan.FirstVisitWeights : ChannelPlan.ReturnVisitWeights);
            j.ChannelMask |= 1 << ChannelPlan.ChannelOf(source);
            t = AddSession(device, t, source, 1 + rng.Weighted(s_pageWeights));
            lastDevice = device;
        }

        var pLead = Math.Min(ChannelPlan.MaxLeadProbability, ChannelPlan.BaseLeadProbability * ChannelPlan.Lift(j.ChannelMask));
        if (shared is not null || rng.Chance(pLead))
            BecomeLead(t, lastDevice);

        j.Events.Sort(static (a, b) => a.TimeMs != b.TimeMs ? a.TimeMs.CompareTo(b.TimeMs) : a.Sequence.CompareTo(b.Sequence));
        BuildLines(allowNoise: true);
        return j;
    }

    /// <summary>A short anonymous visit that fits exactly into the lines left, to land on --events exactly.</summary>
    public PersonJourney GenerateFiller(long personIndex, int maxLines)
    {
        _rng = SyntheticRandom.For(_seed, (ulong)personIndex, salt: 1);
        var j = Begin(personIndex);
        AddDevice(null);
        var source = _rng.Chance(0.5) ? LandingSource.Direct : LandingSource.OrganicSearch;
        j.ChannelMask = 1 << ChannelPlan.ChannelOf(source);
        var pages = Math.Min(maxLines, 1 + _rng.Weighted(s_pageWeights));
        AddSession(0, _rng.Between(_windowStart, _windowEnd - LatestStart), source, pages);
        BuildLines(allowNoise: false);
        return j;
    }

    private PersonJourney Begin(long personIndex)
    {
        var j = _journey;
        j.Reset(personIndex);
        _sequence = 0;
        Array.Clear(_userKnown);
        var rng = _rng;
        var first = rng.Pick(SiteCatalog.FirstNames);
        var last = rng.Pick(SiteCatalog.LastNames);
        var company = rng.Pick(SiteCatalog.Companies);
        var domain = rng.Chance(0.15) ? rng.Pick(SiteCatalog.FreeMailDomains) : company.Domain;
        // The person index in the local part keeps every email unique without remembering past ones.
        var n = personIndex.ToString(CultureInfo.InvariantCulture);
        j.Email = rng.Next(4) switch
        {
            0 => $"{first}.{last}{n}@{domain}",
            1 => $"{first[0]}{last}{n}@{domain}",
            2 => $"{first}_{last}{n}@{domain}",
            _ => $"{first}{n}@{domain}",
        };
        j.Company = company.Name;
        j.JobTitle = rng.Pick(SiteCatalog.JobTitles);
        return j;
    }

    private int AddDevice(string? sharedCookie)
    {
        var rng = _rng;
        var ip = string.Create(CultureInfo.InvariantCulture,
            $"{rng.Pick(s_firstOctets)}.{rng.Next(256)}.{rng.Next(256)}.{1 + rng.Next(254)}");
        _journey.Devices.Add(new JourneyDevice { SharedCookieId = sharedCookie, UserAgent = rng.Pick(SiteCatalog.UserAgents), Ip = ip });
        return _journey.Devices.Count - 1;
    }

    /// <summary>Adds a session of page views starting at <paramref name="t"/>; returns the time of its last event.</summary>
    private long AddSession(int device, long t, LandingSource source, int pages)
    {
        var rng = _rng;
        var (page, url, referrer, utmSource, utmMedium, utmCampaign, paid) = Landing(source);
        var e = NewEvent(JourneyEventKind.Page, device, t, page, url, referrer);
        e.UtmSource = utmSource;
        e.UtmMedium = utmMedium;
        e.UtmCampaign = utmCampaign;
        e.PaidCampaign = paid;
        Add(e);
        for (var p = 1; p < pages; p++)
        {
            t += Math.Clamp((long)rng.Exponential(70 * Second), 8 * Second, 6 * Minute);
            var next = rng.Pick(SiteCatalog.Browse);
            var previous = url;
            url = SiteCatalog.Origin + next.Path;
            Add(NewEvent(JourneyEventKind.Page, device, t, next, url, previous));
        }
        return t;
    }

    private (SitePage Page, string Url, string? Referrer, string? UtmSource, string? UtmMedium, string? UtmCampaign, int Paid) Landing(LandingSource source)
    {
        var rng = _rng;
        switch (source)
        {
            case LandingSource.GoogleAds:
                {
                    var c = rng.Next(3);
                    var campaign = SiteCatalog.PaidCampaigns[c];
                    var page = c == 0 ? (rng.Chance(0.7) ? SiteCatalog.Home : SiteCatalog.Pricing) : (rng.Chance(0.5) ? SiteCatalog.Features[0] : SiteCatalog.Demo);
                    var term = rng.Pick(SiteCatalog.SearchTerms).Replace(' ', '+');
                    var url = $"{SiteCatalog.Origin}{page.Path}?utm_source=google&utm_medium=cpc&utm_campaign={campaign.Name}&utm_term={term}&gclid={Token(rng, 38)}";
                    return (page, url, "https://www.google.com/", "google", "cpc", campaign.Name, c);
                }
            case LandingSource.LinkedInAds:
                {
                    var c = 3 + rng.Next(2);
                    var campaign = SiteCatalog.PaidCampaigns[c];
                    var page = rng.Chance(0.5) ? rng.Pick(SiteCatalog.Blog) : rng.Pick(SiteCatalog.Features);
                    var url = $"{SiteCatalog.Origin}{page.Path}?utm_source=linkedin&utm_medium=paid_social&utm_campaign={campaign.Name}&utm_content={rng.Pick(s_linkedInContent)}";
                    if (rng.Chance(0.4))
                        url += "&li_fat_id=" + Guid(rng);
                    return (page, url, rng.Chance(0.7) ? "https://www.linkedin.com/" : null, "linkedin", "paid_social", campaign.Name, c);
                }
            case LandingSource.FacebookAds:
                {
                    var c = 5 + rng.Next(2);
                    var campaign = SiteCatalog.PaidCampaigns[c];
                    var page = rng.Chance(0.5) ? SiteCatalog.SignUp : SiteCatalog.Pricing;
                    var url = $"{SiteCatalog.Origin}{page.Path}?utm_source=facebook&utm_medium=cpc&utm_campaign={campaign.Name}&fbclid=IwAR{Token(rng, 56)}";
                    return (page, url, rng.Chance(0.6) ? "https://l.facebook.com/" : "https://m.facebook.com/", "facebook", "cpc", campaign.Name, c);
                }
            case LandingSource.Newsletter:
                {
                    var campaign = rng.Pick(SiteCatalog.NewsletterCampaigns);
                    var page = rng.Chance(0.6) ? rng.Pick(SiteCatalog.Blog) : rng.Pick(SiteCatalog.Features);
                    var url = $"{SiteCatalog.Origin}{page.Path}?utm_source=newsletter&utm_medium=email&utm_campaign={campaign}&utm_content=cta-button";
                    return (page, url, null, "newsletter", "email", campaign, -1);
                }
            case LandingSource.Partner:
                {
                    var (partner, referrer) = rng.Pick(SiteCatalog.Partners);
                    var page = rng.Chance(0.5) ? SiteCatalog.Other[2] : SiteCatalog.Home;
                    var url = $"{SiteCatalog.Origin}{page.Path}?utm_source={partner}&utm_medium=referral&utm_campaign=partner-program";
                    return (page, url, referrer, partner, "referral", "partner-program", -1);
                }
            case LandingSource.OrganicSearch:
                {
                    var r = rng.NextDouble();
                    var page = r < 0.6 ? rng.Pick(SiteCatalog.Blog) : r < 0.85 ? SiteCatalog.Home : r < 0.93 ? SiteCatalog.Pricing : rng.Pick(SiteCatalog.Features);
                    return (page, SiteCatalog.Origin + page.Path, rng.Pick(SiteCatalog.SearchReferrers), null, null, null, -1);
                }
            case LandingSource.OrganicSocial:
                {
                    var page = rng.Chance(0.75) ? rng.Pick(SiteCatalog.Blog) : SiteCatalog.Home;
                    return (page, SiteCatalog.Origin + page.Path, rng.Pick(SiteCatalog.SocialReferrers), null, null, null, -1);
                }
            case LandingSource.OtherReferral:
                {
                    var page = rng.Chance(0.5) ? rng.Pick(SiteCatalog.Blog) : SiteCatalog.Home;
                    return (page, SiteCatalog.Origin + page.Path, rng.Pick(SiteCatalog.OtherReferrers), null, null, null, -1);
                }
            default:
                {
                    var r = rng.NextDouble();
                    var page = r < 0.6 ? SiteCatalog.Home : r < 0.85 ? SiteCatalog.Pricing : SiteCatalog.Login;
                    return (page, SiteCatalog.Origin + page.Path, null, null, null, null, -1);
                }
        }
    }

    /// <summary>The lead form (and maybe a sign-up), then logins that link the person's other devices.</summary>
    private void BecomeLead(long t, int device)
    {
        var j = _journey;
        var rng = _rng;
        j.IsLead = true;
        j.LeadDevice = device;

        var demo = rng.Chance(0.6);
        var formPage = demo ? SiteCatalog.Demo : SiteCatalog.Contact;
        t += rng.Between(20 * Second, 4 * Minute);
        Add(NewEvent(JourneyEventKind.Page, device, t, formPage, SiteCatalog.Origin + formPage.Path, PreviousUrl(device)));
        t += rng.Between(15 * Second, 3 * Minute);
        var form = NewEvent(JourneyEventKind.Track, device, t, formPage, SiteCatalog.Origin + formPage.Path, null);
        form.EventName = demo ? "Demo Requested" : "Form Submitted";
        form.FormId = demo ? "demo-request" : "contact-sales";
        form.Email = j.Email;
        Add(form);
        j.LeadAt = t;
        AddIdentify(device, t + rng.Between(5, 900), formPage, withUserId: false);

        if (rng.Chance(0.25))
        {
            j.UserId = "usr_" + SyntheticRandom.Mix64((ulong)j.PersonIndex ^ SyntheticRandom.Mix64(_seed ^ 0x5EED)).ToString("x16", CultureInfo.InvariantCulture);
            t += rng.Between(1 * Minute, 10 * Minute);
            Add(NewEvent(JourneyEventKind.Page, device, t, SiteCatalog.SignUp, SiteCatalog.Origin + SiteCatalog.SignUp.Path, SiteCatalog.Origin + formPage.Path));
            t += rng.Between(30 * Second, 4 * Minute);
            var signUp = NewEvent(JourneyEventKind.Track, device, t, SiteCatalog.SignUp, SiteCatalog.Origin + SiteCatalog.SignUp.Path, null);
            signUp.EventName = "Signed Up";
            signUp.Plan = rng.Pick(SiteCatalog.SignUpPlans);
            signUp.Revenue = SiteCatalog.PlanRevenue(signUp.Plan);
            Add(signUp);
            AddIdentify(device, t + rng.Between(5, 900), SiteCatalog.SignUp, withUserId: true);
        }

        // Other devices come back later through a newsletter click or a direct login, and identify.
        for (var d = 0; d < j.Devices.Count; d++)
        {
            if (d == device || !rng.Chance(0.85))
                continue;
            var start = j.LeadAt + rng.Between(1 * Hour, 10 * Day);
            if (start >= _windowEnd - LatestStart)
                continue;
            var end = AddSession(d, start, rng.Chance(0.5) ? LandingSource.Newsletter : LandingSource.Direct, 1 + rng.Next(3));
            end += rng.Between(10 * Second, 2 * Minute);
            Add(NewEvent(JourneyEventKind.Page, d, end, SiteCatalog.Login, SiteCatalog.Origin + SiteCatalog.Login.Path, PreviousUrl(d)));
            AddIdentify(d, end + rng.Between(2 * Second, 40 * Second), SiteCatalog.Login, withUserId: j.UserId is not null);
        }
        if (rng.Chance(0.4))
        {
            var start = t + rng.Between(6 * Hour, 20 * Day);
            if (start < _windowEnd - LatestStart)
                AddSession(device, start, (LandingSource)rng.Weighted(ChannelPlan.ReturnVisitWeights), 1 + rng.Next(4));
        }

        PlanCrm();
    }

    /// <summary>Later CRM stages: each reached with a base chance raised by the square root of the planted lift.</summary>
    private void PlanCrm()
    {
        var j = _journey;
        var rng = _rng;
        var factor = Math.Sqrt(ChannelPlan.Lift(j.ChannelMask));
        j.CrmEmail = rng.Chance(0.04) ? EmailVariant(j.Email, rng, whitespace: false) : j.Email;

        var at = j.LeadAt;
        // Some contacts skip MQL (sales-sourced hand-raisers go straight to SQL): an empty stage date.
        var skipMql = rng.Chance(0.08);
        if (!skipMql)
        {
            if (!Stage(0.50 * factor, ref at, 30 * Minute, 5 * Day))
                return;
            j.MqlAt = at;
        }
        if (!Stage(0.40 * factor, ref at, 1 * Day, 10 * Day))
            return;
        j.SqlAt = at;
        if (!Stage(0.50 * factor, ref at, 1 * Day, 14 * Day))
            return;
        j.OpportunityAt = at;

        var median = 22_000.0;
        var amount = Math.Clamp(median * Math.Exp(0.75 * rng.Normal()), 5_000, 120_000);
        j.DealAmount = Math.Round((decimal)amount / 100m) * 100m;
        j.DealStatus = "open";
        var won = rng.Chance(Math.Min(0.95, 0.30 * factor));
        var closeAt = at + rng.Between(won ? 7 * Day : 5 * Day, won ? 45 * Day : 60 * Day);
        if (closeAt >= _windowEnd)
            return;
        j.DealClosedAt = closeAt;
        j.DealStatus = won ? "won" : "lost";
        if (won)
            j.CustomerAt = closeAt;
    }

    private bool Stage(double probability, ref long at, long minDelay, long maxDelay)
    {
        if (!_rng.Chance(Math.Min(0.95, probability)))
            return false;
        var next = at + _rng.Between(minDelay, maxDelay);
        if (next >= _windowEnd)
            return false;
        at = next;
        return true;
    }

    private void AddIdentify(int device, long t, SitePage page, bool withUserId)
    {
        var j = _journey;
        var e = NewEvent(JourneyEventKind.Identify, device, t, page, SiteCatalog.Origin + page.Path, null);
        e.Email = _rng.Chance(0.15) ? EmailVariant(j.Email, _rng, whitespace: true) : j.Email;
        if (withUserId)
        {
            _userKnown[device] = true;
            e.HasUserId = true;
        }
        Add(e);
    }

    /// <summary>How people type their email: " Jane.Doe@Example.com ", JANE.DOE@EXAMPLE.COM.</summary>
    private static string EmailVariant(string email, SyntheticRandom rng, bool whitespace)
    {
        var chars = email.ToCharArray();
        if (rng.Chance(0.2))
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = char.ToUpperInvariant(chars[i]);
        }
        else
        {
            for (var i = 0; i < chars.Length; i++)
            {
                if (i == 0 || chars[i - 1] is '.' or '@' or '_')
                    chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }
        var variant = new string(chars);
        if (!whitespace)
            return variant;
        return rng.Next(3) switch
        {
            0 => " " + variant + " ",
            1 => variant + " ",
            _ => "\t" + variant,
        };
    }

    private string? PreviousUrl(int device)
    {
        var events = _journey.Events;
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].Device == device && events[i].Kind == JourneyEventKind.Page)
                return events[i].Url;
        }
        return null;
    }

    private JourneyEvent NewEvent(JourneyEventKind kind, int device, long t, SitePage page, string url, string? referrer) => new()
    {
        TimeMs = t,
        Kind = kind,
        Device = device,
        Page = page,
        Url = url,
        Referrer = referrer,
        PaidCampaign = -1,
        HasUserId = _userKnown[device],
    };

    private void Add(JourneyEvent e)
    {
        e.Sequence = _sequence++;
        _journey.Events.Add(e);
    }

    /// <summary>Decides the line shapes: flat or Segment, batches, duplicates and malformed lines.</summary>
    private void BuildLines(bool allowNoise)
    {
        var j = _journey;
        var rng = _rng;
        var events = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(j.Events);
        var i = 0;
        while (i < events.Length)
        {
            if (allowNoise && rng.Chance(0.001))
                j.Lines.Add(new JourneyLine(JourneyLineKind.Malformed, i, 1, (MalformedKind)rng.Next(5)));
            var segment = rng.Chance(0.15);
            events[i].Segment = segment;
            if (allowNoise && segment && rng.Chance(0.05))
            {
                var want = 2 + rng.Next(2);
                var count = 1;
                while (count < want && i + count < events.Length && events[i + count].Device == events[i].Device)
                {
                    events[i + count].Segment = true;
                    count++;
                }
                if (count > 1)
                {
                    j.Lines.Add(new JourneyLine(JourneyLineKind.Batch, i, count));
                    i += count;
                    continue;
                }
            }
            j.Lines.Add(new JourneyLine(JourneyLineKind.Single, i, 1));
            if (allowNoise && rng.Chance(0.005))
                j.Lines.Add(new JourneyLine(JourneyLineKind.Duplicate, i, 1));
            i++;
        }
    }

    private static string Token(SyntheticRandom rng, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Create(length, rng, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[r.Next(64)];
        });
    }

    private static string Guid(SyntheticRandom rng) => SyntheticIds.Uuid(rng.NextUInt64(), rng.NextUInt64());
}
