using System.Globalization;
using System.Text.Json;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake.Crm;
using ClosedLoop.Lake.Loading;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.IntegrationTests.Stitching;

/// <summary>
/// Hand-written visitor journeys: events at minutes after a fixed start, written as NDJSON, loaded with the
/// real loader and stitched with the real stitcher into a temporary lake, then read back through the views.
/// </summary>
public sealed class JourneyScript : IDisposable
{
    public static readonly DateTime Start = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
    private readonly List<string> _lines = [];
    private int _sequence;

    public TestLake Lake { get; } = new();

    /// <summary>The ISO time <paramref name="minute"/> minutes after <see cref="Start"/>, for CRM files.</summary>
    public static string At(double minute) => Start.AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A page view <paramref name="minute"/> minutes after <see cref="Start"/>.</summary>
    public JourneyScript Page(string? cookie, double minute, string url = "https://acme.example/", string? referrer = null,
        string? email = null, string? userId = null) =>
        Add(new Dictionary<string, object?>
        {
            ["type"] = "page", ["anonymous_id"] = cookie, ["url"] = url, ["referrer"] = referrer, ["email"] = email, ["user_id"] = userId,
        }, minute);

    /// <summary>A form submit (a track event carrying the email), as marketing forms send it.</summary>
    public JourneyScript Form(string? cookie, double minute, string email, string url = "https://acme.example/demo", string? userId = null) =>
        Add(new Dictionary<string, object?>
        {
            ["type"] = "track", ["event"] = "Form Submitted", ["anonymous_id"] = cookie, ["url"] = url, ["email"] = email, ["user_id"] = userId,
        }, minute);

    public JourneyScript Identify(string? cookie, double minute, string? email = null, string? userId = null) =>
        Add(new Dictionary<string, object?> { ["type"] = "identify", ["anonymous_id"] = cookie, ["email"] = email, ["user_id"] = userId }, minute);

    public JourneyScript Alias(string previousId, string userId, double minute) =>
        Add(new Dictionary<string, object?> { ["type"] = "alias", ["previous_id"] = previousId, ["user_id"] = userId }, minute);

    /// <summary>Repeats an earlier line verbatim, as a retrying tracker does.</summary>
    public JourneyScript RepeatLine(int index)
    {
        _lines.Add(_lines[index]);
        return this;
    }

    public IReadOnlyList<string> Lines => _lines;

    private JourneyScript Add(Dictionary<string, object?> fields, double minute)
    {
        fields["event_id"] = "ev-" + (++_sequence).ToString("D4", CultureInfo.InvariantCulture);
        fields["timestamp"] = Start.AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var present = fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value);
        _lines.Add(JsonSerializer.Serialize(present));
        return this;
    }

    /// <summary>Loads the lines (in the order given, or <paramref name="order"/>) and stitches.</summary>
    public async Task<StitchSummary> StitchAsync(StitchOptions? options = null, IEnumerable<string>? order = null, string? contactsCsv = null,
        string? dealsCsv = null)
    {
        var file = Lake.WriteFile("events.ndjson", string.Join('\n', order ?? _lines) + "\n");
        var loader = new EventLoader(Lake.Layout, new EventEnricher(new EnrichmentOptions { OwnDomains = ["acme.example"] }));
        var load = await loader.LoadAsync([file]);
        Assert.Equal(0, load.Rejected);
        if (contactsCsv is not null)
            await CrmLoader.LoadAsync(Lake.Layout, CrmTable.Contacts, Lake.WriteFile("contacts.csv", contactsCsv), CancellationToken.None);
        if (dealsCsv is not null)
            await CrmLoader.LoadAsync(Lake.Layout, CrmTable.Deals, Lake.WriteFile("deals.csv", dealsCsv), CancellationToken.None);
        return new IdentityStitcher(Lake.Layout, options ?? new StitchOptions()).Run();
    }

    /// <summary>The person id an email stitched to.</summary>
    public string PersonOfEmail(string email) =>
        (string)LakeQueries.Rows(Lake.Layout, $"select person_id from identities where identifier_type = 'email' and identifier = '{email}'").Single()["person_id"]!;

    /// <summary>Person ids of a cookie's segments, in segment order.</summary>
    public List<string> PersonsOfCookie(string cookie) =>
        LakeQueries.Rows(Lake.Layout, $"select person_id from identities where identifier_type = 'anonymous_id' and identifier = '{cookie}' order by segment")
            .Select(r => (string)r["person_id"]!).ToList();

    /// <summary>Each session of a person: start minute, event count, channel, source, campaign; in time order.</summary>
    public List<(double Minute, long Events, string Channel, string? Source, string? Campaign)> Sessions(string person) =>
        LakeQueries.Rows(Lake.Layout, $"select started_at, event_count, channel, source, campaign from sessions where person_id = '{person}' order by started_at")
            .Select(r => (((DateTime)r["started_at"]!).Subtract(Start).TotalMinutes, (long)r["event_count"]!, (string)r["channel"]!,
                (string?)r["source"], (string?)r["campaign"]))
            .ToList();

    public List<double> TouchpointMinutes(string person) =>
        LakeQueries.Rows(Lake.Layout, $"select \"timestamp\" from touchpoints where person_id = '{person}' order by \"timestamp\"")
            .Select(r => ((DateTime)r["timestamp"]!).Subtract(Start).TotalMinutes)
            .ToList();

    public void Dispose() => Lake.Dispose();

    public override string ToString() => string.Join('\n', _lines);
}
