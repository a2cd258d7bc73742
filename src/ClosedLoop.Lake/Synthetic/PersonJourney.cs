namespace ClosedLoop.Lake.Synthetic;

internal enum JourneyEventKind : byte
{
    Page,
    Track,
    Identify,
}

/// <summary>One event of a person's journey, before it is rendered into a line.</summary>
internal struct JourneyEvent
{
    public long TimeMs;
    public int Sequence;
    public JourneyEventKind Kind;
    public int Device;
    public SitePage Page;
    public string Url;
    public string? Referrer;
    public string? EventName;

    /// <summary>UTM tags of a landing page view, repeated in Segment's <c>context.campaign</c>.</summary>
    public string? UtmSource;
    public string? UtmMedium;
    public string? UtmCampaign;

    /// <summary>Index into <see cref="SiteCatalog.PaidCampaigns"/> for a paid landing, else -1 (feeds spend clicks).</summary>
    public int PaidCampaign;

    public bool HasUserId;

    /// <summary>The email as the client sent it (maybe with odd casing or spaces).</summary>
    public string? Email;

    public string? FormId;
    public string? Plan;
    public double Revenue;
    public bool Segment;
}

internal enum JourneyLineKind : byte
{
    Single,
    Batch,
    Duplicate,
    Malformed,
}

internal enum MalformedKind : byte
{
    Truncated,
    MissingTimestamp,
    NoIdentifier,
    TimestampWord,
    Year1970,
}

/// <summary>One line of events.ndjson: an event, a batch of events, a repeat of the previous line, or junk.</summary>
internal readonly record struct JourneyLine(JourneyLineKind Kind, int First, int Count, MalformedKind Malformed = default);

/// <summary>A device (browser) of a person: its own cookie, user agent and address.</summary>
internal sealed class JourneyDevice
{
    public string? SharedCookieId { get; init; }
    public required string UserAgent { get; init; }
    public required string Ip { get; init; }

    /// <summary>Set when the data set assigns the cookie's anonymous id.</summary>
    public string AnonymousId { get; set; } = "";
}

/// <summary>A cookie that a finished person left behind, which the next person may pick up (a shared device).</summary>
internal sealed record SharedDeviceCandidate(string AnonymousId, string Email, long LastEventMs, string UserAgent, string Ip);

/// <summary>
/// Everything generated for one person: identity, devices, time-ordered events, the lines they are
/// written as, and the CRM outcome. Bounded in size (sessions and pages are capped), so streaming
/// person by person keeps memory constant.
/// </summary>
internal sealed class PersonJourney
{
    public long PersonIndex { get; set; }
    public string Email { get; set; } = "";
    public string? UserId { get; set; }
    public string Company { get; set; } = "";
    public string JobTitle { get; set; } = "";
    public List<JourneyDevice> Devices { get; } = [];
    public List<JourneyEvent> Events { get; } = [];
    public List<JourneyLine> Lines { get; } = [];

    /// <summary>Bit per channel group (<see cref="ChannelPlan.Channels"/>) touched before the lead.</summary>
    public int ChannelMask { get; set; }

    public bool IsLead { get; set; }
    public int LeadDevice { get; set; }

    /// <summary>Stage dates in Unix ms, -1 when not reached (or not reached before the window ends).</summary>
    public long LeadAt { get; set; } = -1;
    public long MqlAt { get; set; } = -1;
    public long SqlAt { get; set; } = -1;
    public long OpportunityAt { get; set; } = -1;
    public long CustomerAt { get; set; } = -1;
    public long DealClosedAt { get; set; } = -1;
    public string DealStatus { get; set; } = "";
    public decimal DealAmount { get; set; }

    /// <summary>The email the CRM shows, sometimes with different casing than the web form.</summary>
    public string CrmEmail { get; set; } = "";

    public SharedDeviceCandidate? SharedFrom { get; set; }

    public void Reset(long personIndex)
    {
        PersonIndex = personIndex;
        Email = "";
        UserId = null;
        Company = "";
        JobTitle = "";
        Devices.Clear();
        Events.Clear();
        Lines.Clear();
        ChannelMask = 0;
        IsLead = false;
        LeadDevice = 0;
        LeadAt = MqlAt = SqlAt = OpportunityAt = CustomerAt = DealClosedAt = -1;
        DealStatus = "";
        DealAmount = 0;
        CrmEmail = "";
        SharedFrom = null;
    }

    public long LastEventMs(int device)
    {
        var last = -1L;
        foreach (var e in Events)
        {
            if (e.Device == device && e.TimeMs > last)
                last = e.TimeMs;
        }
        return last;
    }
}
