namespace ClosedLoop.Lake.Reports;

/// <summary>One titled query of a report; <see cref="Key"/> names it in machine-readable output.</summary>
public sealed record ReportSection(string Key, string Title, string Sql);

/// <summary>
/// The closed-loop report of <c>closedloop demo</c>: traffic, stitched touchpoints, leads and won revenue per
/// channel. Leads and revenue still come straight from the raw views (events, contacts, deals, spend) until
/// attribution lands.
/// Lives in Lake, not the CLI, so the HTTP API can serve the same numbers.
/// </summary>
/// <remarks>
/// Identity here is deliberately simple: a contact's cookies are the <c>anonymous_id</c>s that appeared on
/// any event together with the contact's email (both tables hold emails lower-cased). Every conversion is
/// credited to exactly one channel per model, <c>(none)</c> when no cookie or no prior event matches, so
/// credited totals always reconcile with the CRM.
/// </remarks>
public static class DemoReport
{
    /// <summary>The label of conversions with no matching touch, and of events without a channel.</summary>
    public const string NoChannel = "(none)";

    /// <summary>The label of the reconciliation row of <see cref="Revenue"/>.</summary>
    public const string TotalRow = "total";

    /// <summary>Events and distinct cookies per channel, busiest first.</summary>
    public static readonly ReportSection Traffic = new("traffic", "Traffic per channel", """
        SELECT coalesce(channel, '(none)') AS channel,
               count(*)                     AS events,
               count(DISTINCT anonymous_id) AS cookies
        FROM events
        GROUP BY 1
        ORDER BY events DESC, channel
        """);

    /// <summary>Stitched touchpoints (session starts) per channel: how many, and how many persons they reached.</summary>
    public static readonly ReportSection Touchpoints = new("touchpoints", "Touchpoints per channel (stitched sessions)", """
        SELECT channel,
               count(*)                  AS touchpoints,
               count(DISTINCT person_id) AS persons
        FROM touchpoints
        GROUP BY 1
        ORDER BY touchpoints DESC, channel
        """);

    /// <summary>Leads per first-touch channel: the earliest channelled event of the lead's cookies at or before lead_at.</summary>
    public static readonly ReportSection Leads = new("leads", "Leads per first-touch channel", $"""
        WITH {SharedCtes},
        leads AS (
            -- The contacts view keys rows the same way: contact_id, else the email.
            SELECT coalesce(contact_id, 'email:' || email) AS contact_key, email, lead_at
            FROM contacts
            WHERE lead_at IS NOT NULL
        ),
        first_touch AS (
            -- event_id breaks timestamp ties so the answer is the same on every run.
            SELECT l.contact_key, e.channel
            FROM leads l
            JOIN cookies k ON k.email = l.email
            JOIN touch_events e ON e.anonymous_id = k.anonymous_id
            WHERE e.timestamp <= l.lead_at
            QUALIFY row_number() OVER (PARTITION BY l.contact_key ORDER BY e.timestamp, e.event_id) = 1
        )
        -- Left join: a lead without a matching touch still counts, under '(none)'.
        SELECT coalesce(f.channel, '(none)') AS channel,
               count(*)                       AS leads,
               round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS share_pct
        FROM leads l
        LEFT JOIN first_touch f USING (contact_key)
        GROUP BY 1
        ORDER BY leads DESC, channel
        """);

    /// <summary>
    /// Won revenue per channel under first- and last-touch, next to spend and ROAS, with a final total row
    /// whose revenue columns equal the sum of won deal amounts.
    /// </summary>
    public static readonly ReportSection Revenue = new("revenue", "Won revenue per channel (first / last touch) vs spend", $"""
        WITH {SharedCtes},
        won AS (
            -- The deal's own email is the fallback when its contact is not (yet) in the CRM export.
            SELECT d.deal_id, coalesce(c.email, d.email) AS email, d.closed_at, coalesce(d.amount, 0) AS amount
            FROM deals d
            LEFT JOIN contacts c ON c.contact_id = d.contact_id
            WHERE d.status = 'won'
        ),
        touches AS (
            SELECT w.deal_id, e.channel, e.timestamp, e.event_id
            FROM won w
            JOIN cookies k ON k.email = w.email
            JOIN touch_events e ON e.anonymous_id = k.anonymous_id
            WHERE e.timestamp < w.closed_at
        ),
        first_touch AS (
            SELECT deal_id, channel FROM touches
            QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY timestamp, event_id) = 1
        ),
        last_touch AS (
            SELECT deal_id, channel FROM touches
            QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY timestamp DESC, event_id DESC) = 1
        ),
        -- One row per won deal and model: each deal is credited exactly once per model, so totals reconcile.
        credited AS (
            SELECT 'first' AS model, coalesce(f.channel, '(none)') AS channel, w.amount
            FROM won w LEFT JOIN first_touch f USING (deal_id)
            UNION ALL
            SELECT 'last', coalesce(l.channel, '(none)'), w.amount
            FROM won w LEFT JOIN last_touch l USING (deal_id)
        ),
        revenue AS (
            SELECT channel,
                   sum(amount) FILTER (WHERE model = 'first') AS first_touch_revenue,
                   sum(amount) FILTER (WHERE model = 'last')  AS last_touch_revenue
            FROM credited
            GROUP BY channel
        ),
        spent AS (
            SELECT channel, sum(cost) AS spend FROM spend WHERE channel IS NOT NULL GROUP BY channel
        ),
        -- Full join: channels with spend but no revenue (and the reverse) both belong in the table.
        per_channel AS (
            SELECT coalesce(r.channel, s.channel)           AS channel,
                   coalesce(r.first_touch_revenue, 0)       AS first_touch_revenue,
                   coalesce(r.last_touch_revenue, 0)        AS last_touch_revenue,
                   coalesce(s.spend, 0)                     AS spend
            FROM revenue r
            FULL JOIN spent s ON s.channel = r.channel
        ),
        with_total AS (
            SELECT 0 AS is_total, * FROM per_channel
            UNION ALL
            SELECT 1, 'total', sum(first_touch_revenue), sum(last_touch_revenue), sum(spend) FROM per_channel
        )
        SELECT channel, first_touch_revenue, last_touch_revenue, spend,
               -- ROAS only where money was spent; organic channels have no denominator.
               CASE WHEN spend > 0 THEN round(first_touch_revenue / spend, 2) END AS first_touch_roas,
               CASE WHEN spend > 0 THEN round(last_touch_revenue / spend, 2) END  AS last_touch_roas
        FROM with_total
        ORDER BY is_total, first_touch_revenue DESC, last_touch_revenue DESC, channel
        """);

    /// <summary>Every section, in the order the report prints them.</summary>
    public static readonly IReadOnlyList<ReportSection> Sections = [Traffic, Touchpoints, Leads, Revenue];

    // Shared CTEs. A touch is a page view that arrived from somewhere: track and identify events carry no
    // referrer, and internal navigation (referral_excluded) is tagged Direct by the enricher; counting
    // either would hand nearly every last touch to Direct.
    // Which cookies belong to which email (an identify, form or login event carries both).
    private const string SharedCtes = """
        cookies AS (
            SELECT DISTINCT email, anonymous_id
            FROM events
            WHERE email IS NOT NULL AND anonymous_id IS NOT NULL
        ),
        touch_events AS (
            SELECT anonymous_id, timestamp, event_id, channel
            FROM events
            WHERE type = 'page' AND channel IS NOT NULL AND NOT coalesce(referral_excluded, false)
        )
        """;
}
