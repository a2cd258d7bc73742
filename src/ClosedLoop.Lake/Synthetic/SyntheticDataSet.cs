using System.Globalization;
using System.Text.Json;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>
/// Writes a synthetic B2B SaaS marketing data set (events, CRM contacts and deals, ad spend) with its
/// ground truth. Streams person by person: memory stays flat whatever the number of events.
/// </summary>
public sealed class SyntheticDataSet
{
    /// <summary>Days of traffic by default; the window ends at a midnight derived from the seed, never the clock.</summary>
    public const int WindowDays = 90;

    private const double SharedDeviceChance = 0.005;
    private static readonly string[] s_malformedKinds = ["truncated_json", "missing_timestamp", "no_identifier", "timestamp_not_a_date", "year_1970"];

    private readonly SyntheticDataSetOptions _options;

    public SyntheticDataSet(SyntheticDataSetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Events);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Days);
        _options = options;
    }

    /// <summary>The first instant after the data's window, fixed by the seed.</summary>
    public static DateTime WindowEndFor(long seed) =>
        new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays((double)(SyntheticRandom.Mix64((ulong)seed) % 365));

    public SyntheticDataSetSummary Generate(CancellationToken ct = default)
    {
        var seed = (ulong)_options.Seed;
        var dir = _options.OutputDirectory;
        var truthDir = Path.Combine(dir, "truth");
        Directory.CreateDirectory(truthDir);

        var windowEnd = WindowEndFor(_options.Seed);
        var windowStart = windowEnd.AddDays(-_options.Days);
        var endMs = (long)(windowEnd - DateTime.UnixEpoch).TotalMilliseconds;
        var startMs = (long)(windowStart - DateTime.UnixEpoch).TotalMilliseconds;

        var generator = new PersonJourneyGenerator(seed, startMs, endMs);
        var ledger = new SpendLedger(startMs, _options.Days);
        var eventsPath = Path.Combine(dir, "events.ndjson");

        long persons = 0, cookies = 0, identified = 0, leads = 0, mqls = 0, sqls = 0, opportunities = 0, customers = 0;
        long won = 0, lost = 0, open = 0, shared = 0;
        var wonRevenue = 0m;
        SharedDeviceCandidate? candidate = null;
        var nextProgress = _options.ProgressInterval;
        EventLineWriter events;
        CsvTableWriter contacts, deals, identities, sharedDevices;

        using (var stream = new FileStream(eventsPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
        using (events = new EventLineWriter(stream, seed))
        using (contacts = new CsvTableWriter(Path.Combine(dir, "contacts.csv"), "contact_id,email,created_at,lead_at,mql_at,sql_at,opportunity_at,customer_at,company,job_title"))
        using (deals = new CsvTableWriter(Path.Combine(dir, "deals.csv"), "deal_id,contact_id,email,created_at,closed_at,status,amount,currency"))
        using (identities = new CsvTableWriter(Path.Combine(truthDir, "identities.csv"), "person_id,identifier_type,identifier"))
        using (sharedDevices = new CsvTableWriter(Path.Combine(truthDir, "shared_devices.csv"), "anonymous_id,email_before,email_after,switch_time"))
        {
            while (events.Lines < _options.Events)
            {
                ct.ThrowIfCancellationRequested();
                var personIndex = persons + 1;
                var remaining = _options.Events - events.Lines;
                var useShared = candidate is not null && SyntheticRandom.For(seed, (ulong)personIndex, salt: 2).Chance(SharedDeviceChance);
                var journey = generator.Generate(personIndex, useShared ? candidate : null);
                if (journey.Lines.Count > remaining)
                {
                    // The last persons get a short anonymous visit sized to land exactly on --events.
                    useShared = false;
                    journey = generator.GenerateFiller(personIndex, (int)Math.Min(remaining, int.MaxValue));
                }
                if (useShared)
                    candidate = null;

                persons++;
                foreach (var device in journey.Devices)
                {
                    if (device.SharedCookieId is not null)
                    {
                        device.AnonymousId = device.SharedCookieId;
                        continue;
                    }
                    device.AnonymousId = SyntheticIds.Cookie(seed, cookies);
                    cookies++;
                }
                foreach (var line in journey.Lines)
                    events.Write(journey, line);
                ledger.Add(journey);

                var personId = "p" + personIndex.ToString(CultureInfo.InvariantCulture);
                foreach (var device in journey.Devices)
                    identities.Field(personId).Field("anonymous_id").Field(device.AnonymousId).EndRow();
                if (journey.UserId is not null)
                    identities.Field(personId).Field("user_id").Field(journey.UserId).EndRow();
                if (!journey.IsLead)
                {
                    ReportProgress(events.Lines, ref nextProgress);
                    continue;
                }

                identified++;
                identities.Field(personId).Field("email").Field(journey.Email).EndRow();
                if (journey.SharedFrom is { } from)
                {
                    shared++;
                    sharedDevices.Field(from.AnonymousId).Field(from.Email).Field(journey.Email).Time(FirstEventMs(journey, 0)).EndRow();
                }

                leads++;
                var contactId = 100_000 + leads;
                contacts.Field(contactId).Field(journey.CrmEmail).Time(journey.LeadAt).Time(journey.LeadAt).Time(journey.MqlAt)
                    .Time(journey.SqlAt).Time(journey.OpportunityAt).Time(journey.CustomerAt).Field(journey.Company).Field(journey.JobTitle).EndRow();
                if (journey.MqlAt >= 0)
                    mqls++;
                if (journey.SqlAt >= 0)
                    sqls++;
                if (journey.OpportunityAt >= 0)
                {
                    opportunities++;
                    deals.Field(9_000_000 + opportunities).Field(contactId).Field(journey.CrmEmail).Time(journey.OpportunityAt)
                        .Time(journey.DealClosedAt).Field(journey.DealStatus).Field(journey.DealAmount).Field("USD").EndRow();
                    switch (journey.DealStatus)
                    {
                        case "won":
                            won++;
                            wonRevenue += journey.DealAmount;
                            break;
                        case "lost":
                            lost++;
                            break;
                        default:
                            open++;
                            break;
                    }
                }
                if (journey.CustomerAt >= 0)
                    customers++;

                // This person's form device may later be picked up by someone else (a shared office or family computer).
                var device0 = journey.Devices[journey.LeadDevice];
                var last = journey.LastEventMs(journey.LeadDevice);
                if (device0.SharedCookieId is null && last < endMs - (14 * 86_400_000L))
                    candidate = new SharedDeviceCandidate(device0.AnonymousId, journey.Email, last, device0.UserAgent, device0.Ip);
                ReportProgress(events.Lines, ref nextProgress);
            }
        }

        var spendPath = Path.Combine(dir, "spend.csv");
        var spendRows = ledger.Write(spendPath, seed);
        var liftPath = Path.Combine(truthDir, "channel_lift.csv");
        WriteChannelLift(liftPath);

        var summary = new SyntheticDataSetSummary
        {
            Files =
            [
                new(eventsPath, events.Lines),
                new(contacts.Path, contacts.Rows),
                new(deals.Path, deals.Rows),
                new(spendPath, spendRows),
                new(identities.Path, identities.Rows),
                new(sharedDevices.Path, sharedDevices.Rows),
                new(liftPath, ChannelPlan.Channels.Length),
                new(Path.Combine(truthDir, "summary.json"), 1),
            ],
            Persons = persons,
            Cookies = cookies,
            IdentifiedPersons = identified,
            Lines = events.Lines,
            Events = events.Events,
            SegmentEvents = events.SegmentEvents,
            BatchLines = events.BatchLines,
            DuplicateLines = events.DuplicateLines,
            MalformedLines = events.MalformedLines,
            Leads = leads,
            Customers = customers,
            SharedDevices = shared,
            WonRevenue = wonRevenue,
            WindowStart = windowStart,
            WindowEnd = windowEnd,
        };

        using (var stream = File.Create(Path.Combine(truthDir, "summary.json")))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("seed", _options.Seed);
            json.WriteString("window_start", windowStart.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("window_end", windowEnd.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("persons", persons);
            json.WriteNumber("cookies", cookies);
            json.WriteNumber("identified_persons", identified);
            json.WriteNumber("lines", events.Lines);
            json.WriteNumber("events", events.Events);
            json.WriteNumber("flat_events", events.Events - events.SegmentEvents);
            json.WriteNumber("segment_events", events.SegmentEvents);
            json.WriteNumber("batch_lines", events.BatchLines);
            json.WriteNumber("duplicate_lines", events.DuplicateLines);
            json.WriteNumber("malformed_lines", events.MalformedLines);
            json.WriteStartObject("malformed_by_kind");
            for (var k = 0; k < s_malformedKinds.Length; k++)
                json.WriteNumber(s_malformedKinds[k], events.MalformedByKind[k]);
            json.WriteEndObject();
            json.WriteNumber("shared_devices", shared);
            json.WriteNumber("leads", leads);
            json.WriteNumber("mqls", mqls);
            json.WriteNumber("sqls", sqls);
            json.WriteNumber("opportunities", opportunities);
            json.WriteNumber("customers", customers);
            json.WriteNumber("deals_won", won);
            json.WriteNumber("deals_lost", lost);
            json.WriteNumber("deals_open", open);
            json.WriteNumber("won_revenue", wonRevenue);
            json.WriteNumber("spend_rows", spendRows);
            json.WriteString("currency", "USD");
            json.WriteEndObject();
        }
        return summary;
    }

    private void ReportProgress(long lines, ref long next)
    {
        if (_options.Progress is null || lines < next)
            return;
        _options.Progress(lines);
        while (next <= lines)
            next += _options.ProgressInterval;
    }

    private static long FirstEventMs(PersonJourney journey, int device)
    {
        foreach (var e in journey.Events)
        {
            if (e.Device == device)
                return e.TimeMs;
        }
        return -1;
    }

    private static void WriteChannelLift(string path)
    {
        using var csv = new CsvTableWriter(path, "channel,base_weight,conversion_lift");
        for (var c = 0; c < ChannelPlan.Channels.Length; c++)
        {
            var (channel, lift) = ChannelPlan.Channels[c];
            csv.Field(channel).Field(Math.Round((decimal)ChannelPlan.BaseWeight(c), 4)).Field((decimal)lift).EndRow();
        }
    }
}
