using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Core.Identity;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Stitching;

/// <summary>
/// Builds <c>identities</c>, <c>sessions</c> and <c>touchpoints</c> from the loaded events (SPEC section 4).
/// The heavy, row-by-row work (ordering 10M events per cookie, sessionizing) runs as vectorized DuckDB
/// window queries over the Parquet lake; only the identity graph (a few rows per identified cookie) comes
/// into .NET, where a union-find merges it into persons. See docs/stitching.md for the rules and why.
/// </summary>
/// <remarks>
/// Identity nodes are strings with a type prefix: <c>e:</c> email, <c>u:</c> user id, and <c>s:</c> a cookie
/// segment, <c>s:ANONYMOUS_ID#N</c>. A cookie is one segment (#0) unless it showed a second email: then each
/// change of email starts a new segment, so a shared device links each stretch of time to its own person.
/// A person's id is <c>p-</c> plus 16 hex digits of the MD5 of its canonical node (the smallest email, else
/// user id, else segment), computed the same way in SQL for never-identified cookies: stable across runs.
/// </remarks>
public sealed class IdentityStitcher(LakeLayout lake, StitchOptions options)
{
    /// <summary>
    /// A directory with <c>contacts.parquet</c> and <c>deals.parquet</c> as a recompute fixed them at its start
    /// (<see cref="Maintenance.IncrementalPlan.WriteCrmSnapshots"/>); null reads the lake's CRM views. The snapshots are
    /// the rows the views show, already reduced to the latest export, so the stitch skips that window on every read.
    /// </summary>
    public string? CrmSnapshots { get; init; }

    /// <summary>
    /// Runs the whole stitch and publishes its tables as a new derived version; <paramref name="onStep"/> hears each
    /// step as it ends. With <paramref name="into"/>, the tables go into that unpublished version and the caller
    /// publishes (a recompute adds credits first). With <paramref name="scope"/>, only the persons new data touched are
    /// stitched and the tables keep the previous version's rows of everyone else (an incremental recompute).
    /// </summary>
    public StitchSummary Run(Action<StitchStep>? onStep = null, CancellationToken ct = default, DerivedTableWriter? into = null,
        IncrementalScope? scope = null)
    {
        options.Validate();
        var steps = new List<StitchStep>();
        var clock = Stopwatch.StartNew();
        void Step(string name)
        {
            var step = new StitchStep(name, clock.Elapsed);
            steps.Add(step);
            onStep?.Invoke(step);
            clock.Restart();
            ct.ThrowIfCancellationRequested();
        }

        using var db = LakeDatabase.Open(lake);
        var spill = Path.Combine(lake.Staging, "duckdb-" + Guid.NewGuid().ToString("N"));
        try
        {
            Configure(db, spill);
            if (CrmSnapshots is not null)
                UseCrmSnapshots(db, CrmSnapshots);
            if (scope is not null)
            {
                scope.Restrict(db);
                Step("scope");
            }
            BuildCookieSegments(db);
            Step("cookie segments");
            BuildIdentityGraph(db);
            Step("identity graph");
            MergePersons(db);
            Step("union-find");

            BuildSessions(db);
            Step("sessions");
            db.Execute(ConversionsSql.CreateTable());
            Step("conversions");

            using var owned = into is null ? new DerivedTableWriter(lake) : null;
            var output = into ?? owned!;
            void Write(string table, string sql)
            {
                if (scope is null)
                    output.Write(db, table, sql);
                else
                    scope.Write(db, output, table, sql);
            }
            Write("sessions", "SELECT * EXCLUDE (segment) FROM stitched_sessions");
            Write("touchpoints", TouchpointsQuery);
            Write("identities", IdentitiesQuery);
            Write("conversions", "SELECT * FROM stitched_conversions");
            scope?.Finish(db);
            Step("write tables");
            var summary = scope is null ? Summarize(db, output, steps) : SummarizeScope(db, output, scope, steps);
            Step("summary");
            owned?.Publish();
            return summary;
        }
        finally
        {
            ScratchDirectory.TryDelete(spill);
        }
    }

    private void Configure(LakeDatabase db, string spill)
    {
        Directory.CreateDirectory(spill);
        db.Execute($"SET memory_limit = {LakeDatabase.Literal(options.MemoryLimit)}");
        db.Execute($"SET temp_directory = {LakeDatabase.Literal(spill)}");
        // Row order within a result does not matter here; dropping it lets DuckDB stream with less memory.
        db.Execute("SET preserve_insertion_order = false");
    }

    private static void UseCrmSnapshots(LakeDatabase db, string directory)
    {
        foreach (var table in new[] { "contacts", "deals" })
        {
            db.Execute($"DROP VIEW {table}");
            db.Execute($"CREATE VIEW {table} AS SELECT * FROM read_parquet({LakeDatabase.Literal(Path.Combine(directory, table + ".parquet"))})");
        }
    }

    private string Timeout => string.Create(CultureInfo.InvariantCulture, $"to_microseconds({(long)(options.SessionTimeout.TotalMilliseconds * 1000)})");

    /// <summary>
    /// Per cookie: how many emails it showed, and where its segments start. A segment starts at the session
    /// (inactivity gap) in which a new email first appears, but never before the previous email's last event,
    /// so what the first person did stays theirs and the second person's identifying visit goes to them.
    /// </summary>
    private void BuildCookieSegments(LakeDatabase db)
    {
        db.Execute("""
            CREATE TEMP TABLE cookie_emails AS
            SELECT anonymous_id, count(DISTINCT email) AS emails FROM events
            WHERE email IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY anonymous_id
            """);
        // Only cookies that showed two or more emails need their events in order (a small share of all cookies).
        db.Execute($"""
            CREATE TEMP TABLE cookie_marks AS
            SELECT anonymous_id, ts, event_key, email, starts FROM (
                SELECT anonymous_id, "timestamp" AS ts, event_key, email,
                       coalesce("timestamp" - lag("timestamp") OVER w > {Timeout}, true) AS starts
                FROM events
                WHERE type <> 'alias' AND anonymous_id IN (SELECT anonymous_id FROM cookie_emails WHERE emails BETWEEN 2 AND {options.MaxEmailsPerCookie})
                WINDOW w AS (PARTITION BY anonymous_id ORDER BY "timestamp", event_key))
            WHERE starts OR email IS NOT NULL
            """);
        db.Execute($"""
            CREATE TEMP TABLE segments AS
            WITH m AS (
                SELECT anonymous_id, ts, email,
                       max(CASE WHEN starts THEN ts END) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_start,
                       last_value(email IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_email,
                       max(CASE WHEN email IS NOT NULL THEN ts END) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_email_at
                FROM cookie_marks
                WINDOW w AS (PARTITION BY anonymous_id ORDER BY ts, event_key)),
            changes AS (
                SELECT anonymous_id, greatest(session_start, previous_email_at + INTERVAL 1 MICROSECOND) AS valid_from
                FROM m WHERE email IS NOT NULL AND previous_email IS NOT NULL AND email <> previous_email)
            SELECT anonymous_id, CAST(row_number() OVER (PARTITION BY anonymous_id ORDER BY valid_from) AS INTEGER) AS segment, valid_from
            FROM changes
            """);
        db.Execute("DROP TABLE cookie_marks");
    }

    /// <summary>The edges of the identity graph: identifiers seen together on one event, alias pairs and CRM emails.</summary>
    private void BuildIdentityGraph(LakeDatabase db)
    {
        // Identified events only (a small share of all events), each with the cookie segment it falls in.
        db.Execute($"""
            CREATE TEMP TABLE identified AS
            SELECT i.anonymous_id, i.user_id, i.email, i.previous_id, i.type, i.ts,
                   CASE WHEN i.anonymous_id IS NULL OR coalesce(c.emails, 0) > {options.MaxEmailsPerCookie} THEN NULL
                        ELSE 's:' || i.anonymous_id || '#' || coalesce(s.segment, 0) END AS segment_node
            FROM (SELECT anonymous_id, user_id, email, previous_id, type, "timestamp" AS ts FROM events
                  WHERE email IS NOT NULL OR user_id IS NOT NULL OR (type = 'alias' AND previous_id IS NOT NULL)) i
            ASOF LEFT JOIN segments s ON i.anonymous_id = s.anonymous_id AND i.ts >= s.valid_from
            LEFT JOIN cookie_emails c ON c.anonymous_id = i.anonymous_id
            """);
        // Alias previousId: a cookie we have seen links its segment at that time; anything else is a user id.
        db.Execute("""
            CREATE TEMP TABLE alias_targets AS
            SELECT a.user_id, a.ts,
                   CASE WHEN k.anonymous_id IS NULL THEN 'u:' || a.previous_id
                        ELSE 's:' || a.previous_id || '#' || coalesce(s.segment, 0) END AS node
            FROM (SELECT user_id, previous_id, ts FROM identified WHERE type = 'alias' AND previous_id IS NOT NULL AND user_id IS NOT NULL) a
            LEFT JOIN (SELECT DISTINCT anonymous_id FROM events WHERE anonymous_id IN
                          (SELECT previous_id FROM identified WHERE type = 'alias')) k ON k.anonymous_id = a.previous_id
            ASOF LEFT JOIN segments s ON a.previous_id = s.anonymous_id AND a.ts >= s.valid_from
            """);
        db.Execute("""
            CREATE TEMP TABLE edges AS
            SELECT DISTINCT a, b FROM (
                SELECT segment_node AS a, 'e:' || email AS b FROM identified WHERE segment_node IS NOT NULL AND email IS NOT NULL
                UNION ALL SELECT segment_node, 'u:' || user_id FROM identified WHERE segment_node IS NOT NULL AND user_id IS NOT NULL
                UNION ALL SELECT 'u:' || user_id, 'e:' || email FROM identified WHERE user_id IS NOT NULL AND email IS NOT NULL
                UNION ALL SELECT 'e:' || email, 'e:' || email FROM identified WHERE email IS NOT NULL
                UNION ALL SELECT 'u:' || user_id, 'u:' || user_id FROM identified WHERE user_id IS NOT NULL
                UNION ALL SELECT 'u:' || user_id, node FROM alias_targets
                UNION ALL SELECT 'e:' || email, 'e:' || email FROM contacts WHERE email IS NOT NULL)
            """);
    }

    /// <summary>Union-find over the edges; writes <c>node_person(node, person_id)</c> back.</summary>
    private static void MergePersons(LakeDatabase db)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = new List<string>();
        var sets = new UnionFind(1024);
        int Id(string node)
        {
            if (!ids.TryGetValue(node, out var id))
            {
                id = sets.Add();
                ids.Add(node, id);
                nodes.Add(node);
            }
            return id;
        }

        using (var reader = db.ExecuteReader("SELECT a, b FROM edges"))
        {
            while (reader.Read())
                sets.Union(Id(reader.GetString(0)), Id(reader.GetString(1)));
        }

        // The canonical node of a set: emails before user ids before cookie segments, then ordinal order.
        var canonical = new int[nodes.Count];
        Array.Fill(canonical, -1);
        for (var i = 0; i < nodes.Count; i++)
        {
            var root = sets.Find(i);
            if (canonical[root] < 0 || CompareNodes(nodes[i], nodes[canonical[root]]) < 0)
                canonical[root] = i;
        }

        db.Execute("CREATE TEMP TABLE node_person (node VARCHAR NOT NULL, person_id VARCHAR NOT NULL)");
        using (var appender = db.Connection.CreateAppender("node_person"))
        {
            var personOfRoot = new string?[nodes.Count];
            for (var i = 0; i < nodes.Count; i++)
            {
                var root = sets.Find(i);
                if (personOfRoot[root] is null)
                {
                    personOfRoot[root] = PersonIds.Of(nodes[canonical[root]]);
                }
                appender.CreateRow().AppendValue(nodes[i]).AppendValue(personOfRoot[root]).EndRow();
            }
        }
        db.Execute("DROP TABLE edges");
    }

    private static int CompareNodes(string a, string b)
    {
        static int Rank(string node) => node[0] switch { 'e' => 0, 'u' => 1, _ => 2 };
        var byType = Rank(a).CompareTo(Rank(b));
        return byType != 0 ? byType : string.CompareOrdinal(a, b);
    }

    /// <summary>
    /// Every identifier with its person: emails and user ids, each cookie (one row per segment, with the time
    /// range it applies to; <c>linked</c> is false for a cookie over the email limit) and each CRM contact id.
    /// </summary>
    private string IdentitiesQuery => $"""
        WITH seen AS (
            SELECT anonymous_id, min(started_at) AS first_seen_at, max(ended_at) AS last_seen_at
            FROM stitched_sessions WHERE anonymous_id IS NOT NULL GROUP BY anonymous_id),
        ranges AS (
            SELECT anonymous_id, segment, valid_from,
                   lead(valid_from) OVER (PARTITION BY anonymous_id ORDER BY segment) AS valid_to
            FROM (SELECT anonymous_id, segment, valid_from FROM segments
                  UNION ALL SELECT DISTINCT anonymous_id, 0, NULL FROM segments)),
        cookie_rows AS (
            SELECT seen.anonymous_id, coalesce(r.segment, 0) AS segment, r.valid_from, r.valid_to,
                   seen.first_seen_at, seen.last_seen_at, u.anonymous_id IS NULL AS linked
            FROM seen
            LEFT JOIN ranges r ON r.anonymous_id = seen.anonymous_id
            LEFT JOIN unlinkable_cookies u ON u.anonymous_id = seen.anonymous_id),
        people AS (
            SELECT substr(node, 3) AS identifier, CASE WHEN node[1] = 'e' THEN 'email' ELSE 'user_id' END AS identifier_type, person_id
            FROM node_person WHERE node[1] IN ('e', 'u')),
        people_seen AS (
            SELECT 'email' AS identifier_type, email AS identifier, min(ts) AS first_seen_at, max(ts) AS last_seen_at FROM identified WHERE email IS NOT NULL GROUP BY email
            UNION ALL
            SELECT 'user_id', user_id, min(ts), max(ts) FROM identified WHERE user_id IS NOT NULL GROUP BY user_id)
        SELECT coalesce(np.person_id, {PersonIds.Sql("'s:' || r.anonymous_id || '#' || r.segment")}) AS person_id,
               'anonymous_id' AS identifier_type, r.anonymous_id AS identifier, r.segment,
               r.valid_from, r.valid_to, r.first_seen_at, r.last_seen_at, r.linked
        FROM cookie_rows r LEFT JOIN node_person np ON np.node = 's:' || r.anonymous_id || '#' || r.segment
        UNION ALL
        SELECT p.person_id, p.identifier_type, p.identifier, NULL, NULL, NULL, ps.first_seen_at, ps.last_seen_at, true
        FROM people p LEFT JOIN people_seen ps USING (identifier_type, identifier)
        UNION ALL
        SELECT np.person_id, 'contact_id', c.contact_id, NULL, NULL, NULL, NULL, NULL, true
        FROM contacts c JOIN node_person np ON np.node = 'e:' || c.email WHERE c.contact_id IS NOT NULL
        """;

    /// <summary>
    /// Sessions per device: a cookie segment, or for events without a cookie their user id or email. A cookie over
    /// the email limit is split further by each event's own email or user id, since it links nobody. The window
    /// passes run over narrow rows (a 64-bit device key, time, event key, a campaign-hit flag and a hash of the
    /// traffic fields); the landing event's columns are joined back once per session.
    /// A session starts after the inactivity timeout, at midnight when asked, and when a campaign hit (anything
    /// but direct: UTMs, a click id, an external referrer) carries another source/medium/campaign/content/term/
    /// click id than the session's. Direct hits, own-domain navigation and referral exclusions continue it.
    /// </summary>
    private void BuildSessions(LakeDatabase db)
    {
        db.Execute($"CREATE TEMP TABLE unlinkable_cookies AS SELECT anonymous_id FROM cookie_emails WHERE emails > {options.MaxEmailsPerCookie}");
        db.Execute($"""
            CREATE TEMP TABLE device_events AS
            WITH located AS (
                SELECT e.event_key, e."timestamp" AS ts, e.anonymous_id, 0 AS segment, e.email, e.user_id, e.source, e.medium,
                       e.campaign, e.content, e.term, e.click_id
                FROM events e ANTI JOIN (SELECT DISTINCT anonymous_id FROM segments) x ON x.anonymous_id = e.anonymous_id
                WHERE e.type <> 'alias'
                UNION ALL
                SELECT e.event_key, e."timestamp", e.anonymous_id, coalesce(s.segment, 0), e.email, e.user_id, e.source, e.medium,
                       e.campaign, e.content, e.term, e.click_id
                FROM (SELECT * FROM events WHERE type <> 'alias' AND anonymous_id IN (SELECT anonymous_id FROM segments)) e
                ASOF LEFT JOIN segments s ON e.anonymous_id = s.anonymous_id AND e."timestamp" >= s.valid_from)
            SELECT hash(l.anonymous_id, l.segment,
                        CASE WHEN l.anonymous_id IS NULL OR l.anonymous_id IN (SELECT anonymous_id FROM unlinkable_cookies)
                             THEN coalesce('e:' || l.email, 'u:' || l.user_id) END) AS device,
                   l.ts, l.event_key,
                   (coalesce(l.source, '(direct)') <> '(direct)' OR coalesce(l.medium, '(none)') <> '(none)'
                    OR l.campaign IS NOT NULL OR l.click_id IS NOT NULL) AS campaign_hit,
                   hash(l.source, l.medium, l.campaign, l.content, l.term, l.click_id) AS traffic,
                   l.segment
            FROM located l
            """);
        var zone = LakeDatabase.Literal(options.TimeZone);
        var midnight = options.SplitAtMidnight
            ? $" OR date_trunc('day', timezone({zone}, CAST(ts AS TIMESTAMPTZ))) <> date_trunc('day', timezone({zone}, CAST(lag(ts) OVER w AS TIMESTAMPTZ)))"
            : "";
        db.Execute($"""
            CREATE TEMP TABLE session_spans AS
            WITH gaps AS (
                SELECT device, ts, event_key, campaign_hit, traffic, segment,
                       coalesce(ts - lag(ts) OVER w > {Timeout}{midnight}, true) AS gap_start,
                       lag(ts) OVER w AS previous_ts,
                       row_number() OVER w AS rn,
                       count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS device_events,
                       last_value(ts) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS device_last_ts
                FROM device_events WINDOW w AS (PARTITION BY device ORDER BY ts, event_key)),
            starts AS (
                SELECT *,
                       gap_start OR (campaign_hit AND
                           -- 0 stands for "direct" at the start of a session opened by the timeout.
                           CASE WHEN campaign_hit THEN traffic WHEN gap_start THEN 0 END IS DISTINCT FROM
                           last_value(CASE WHEN campaign_hit THEN traffic WHEN gap_start THEN 0 END IGNORE NULLS)
                               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS session_start
                FROM gaps WINDOW w AS (PARTITION BY device ORDER BY ts, event_key))
            -- Only session starts go on: a session ends just before the next start (whose previous_ts is its end).
            SELECT event_key AS first_event_key, segment, ts AS started_at,
                   coalesce(lead(previous_ts) OVER s, device_last_ts) AS ended_at,
                   coalesce(lead(rn) OVER s, device_events + 1) - rn AS event_count
            FROM starts WHERE session_start
            WINDOW s AS (PARTITION BY device ORDER BY rn)
            """);
        db.Execute("DROP TABLE device_events");
        db.Execute($"CREATE TEMP TABLE stitched_sessions AS {SessionsQuery}");
        db.Execute("DROP TABLE session_spans");
    }

    /// <summary>The sessions with their landing event's columns and their person (the device's, or the event's own).</summary>
    private string SessionsQuery => $"""
        WITH landed AS (
            SELECT sp.*, e.event_id AS first_event_id, e.anonymous_id, e.email, e.user_id, e.page_path, e.referrer_host, e.channel,
                   e.source, e.medium, e.campaign, e.content, e.term, e.click_id, e.referral_excluded,
                   CASE WHEN e.anonymous_id IS NOT NULL AND e.anonymous_id NOT IN (SELECT anonymous_id FROM unlinkable_cookies)
                        THEN 's:' || e.anonymous_id || '#' || sp.segment END AS linked_segment,
                   CASE WHEN e.anonymous_id IS NOT NULL THEN 's:' || e.anonymous_id || '#' || sp.segment END AS segment_node
            FROM session_spans sp
            JOIN events e ON e.event_key = sp.first_event_key)
        SELECT 's-' || lower(hex(l.first_event_key)) AS session_id,
               coalesce(np.person_id, {PersonIds.Sql("coalesce(l.segment_node, 'u:' || l.user_id, 'e:' || l.email)")}) AS person_id,
               l.anonymous_id, l.started_at, l.ended_at, l.event_count, l.first_event_id, l.page_path AS landing_page,
               l.referrer_host, l.channel, l.source, l.medium, l.campaign, l.content, l.term, l.click_id,
               coalesce(l.referral_excluded, false) AS referral_excluded, l.segment
        FROM landed l
        LEFT JOIN node_person np ON np.node = coalesce(l.linked_segment, 'e:' || l.email, 'u:' || l.user_id)
        """;

    /// <summary>
    /// A touchpoint per session, except sessions that began on an own-domain or excluded referrer (a return
    /// from a payment provider after the timeout): those continue an earlier touch and credit nothing new.
    /// </summary>
    private const string TouchpointsQuery = """
        SELECT 't-' || substr(session_id, 3) AS touchpoint_id, person_id, session_id, first_event_id AS event_id,
               started_at AS "timestamp", channel, source, medium, campaign, content, term, landing_page, referrer_host, click_id
        FROM stitched_sessions
        WHERE NOT referral_excluded
        """;

    /// <summary>The figures of an incremental run's version (<see cref="IncrementalScope.Figures"/>).</summary>
    private static StitchSummary SummarizeScope(LakeDatabase db, DerivedTableWriter output, IncrementalScope scope, List<StitchStep> steps)
    {
        var f = scope.Figures(db, output);
        return new StitchSummary(Events: f.Events, Persons: f.Persons, IdentifiedPersons: f.IdentifiedPersons, Identities: f.Identities,
            SplitCookies: f.SplitCookies, UnlinkableCookies: f.UnlinkableCookies, Sessions: f.Sessions, Touchpoints: f.Touchpoints,
            Conversions: f.Conversions, Steps: steps);
    }

    private static StitchSummary Summarize(LakeDatabase db, DerivedTableWriter output, List<StitchStep> steps)
    {
        long Count(string sql) => Convert.ToInt64(db.ExecuteScalar(sql), CultureInfo.InvariantCulture);
        // The identities file is read once for all four of its figures.
        long persons, identified, identities, unlinkable;
        using (var reader = db.ExecuteReader($"""
            SELECT count(DISTINCT person_id), count(DISTINCT person_id) FILTER (WHERE identifier_type = 'email'), count(*),
                   count(*) FILTER (WHERE NOT linked AND identifier_type = 'anonymous_id')
            FROM ({output.TableSql("identities")})
            """))
        {
            reader.Read();
            (persons, identified, identities, unlinkable) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        return new StitchSummary(
            Events: Count("SELECT CAST(coalesce(sum(event_count), 0) AS BIGINT) FROM stitched_sessions"),
            Persons: persons,
            IdentifiedPersons: identified,
            Identities: identities,
            SplitCookies: Count("SELECT count(DISTINCT anonymous_id) FROM segments"),
            UnlinkableCookies: unlinkable,
            Sessions: Count("SELECT count(*) FROM stitched_sessions"),
            Touchpoints: Count("SELECT count(*) FROM stitched_sessions WHERE NOT referral_excluded"),
            Conversions: Count("SELECT count(*) FROM stitched_conversions"),
            Steps: steps);
    }
}
