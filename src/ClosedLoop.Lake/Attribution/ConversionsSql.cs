using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// The <c>conversions</c> table (SPEC section 6): CRM stage dates (<c>lead</c>, <c>mql</c>, <c>sql</c>,
/// <c>opportunity</c>, <c>customer</c>), won deals (<c>deal</c>, revenue = amount) and named track events
/// (<c>event:NAME</c>, revenue from the event), each with its person. Built inside a stitch run, because a
/// conversion's person comes from the identity graph of that run (temp tables <c>node_person</c>, <c>segments</c>,
/// <c>unlinkable_cookies</c>).
/// </summary>
/// <remarks>
/// Each conversion also carries its person's earliest lead and opportunity times (<c>lead_at</c>,
/// <c>opportunity_at</c>): the milestones of the W-shaped and full-path models. A contact or deal whose email
/// never reached the identity graph, or a contact without email, has no person; its conversions are still
/// listed and credited to <c>(none)</c>, so reports reconcile with the CRM.
/// </remarks>
public static class ConversionsSql
{
    /// <summary>The CRM stages that are conversion types, with their contact column.</summary>
    public static readonly IReadOnlyList<(string Type, string Column)> Stages =
        [("lead", "lead_at"), ("mql", "mql_at"), ("sql", "sql_at"), ("opportunity", "opportunity_at"), ("customer", "customer_at")];

    /// <summary>Creates the temp table <c>stitched_conversions</c>.</summary>
    public static string CreateTable()
    {
        var stages = string.Join("\n            UNION ALL\n", Stages.Select(s => $"""
                        SELECT '{s.Type}:' || contact_key, '{s.Type}', person_id, contact_id, email, NULL, {s.Column}, NULL::DOUBLE, NULL
                        FROM contact_people WHERE {s.Column} IS NOT NULL
            """));
        const string EventNode = """
            CASE WHEN t.anonymous_id IS NOT NULL AND t.anonymous_id NOT IN (SELECT anonymous_id FROM unlinkable_cookies)
                      THEN 's:' || t.anonymous_id || '#' || t.segment
                 WHEN t.email IS NOT NULL THEN 'e:' || t.email
                 WHEN t.user_id IS NOT NULL THEN 'u:' || t.user_id END
            """;
        return $"""
            CREATE TEMP TABLE stitched_conversions AS
            WITH contact_people AS (
                SELECT coalesce(c.contact_id, 'email:' || c.email) AS contact_key, c.contact_id, c.email, c.lead_at, c.mql_at,
                       c.sql_at, c.opportunity_at, c.customer_at, np.person_id
                FROM contacts c LEFT JOIN node_person np ON np.node = 'e:' || c.email),
            won AS (
                SELECT d.deal_id, coalesce(d.contact_id, c.contact_id) AS contact_id, coalesce(c.email, d.email) AS email,
                       d.closed_at, CAST(d.amount AS DOUBLE) AS amount, d.currency
                FROM deals d LEFT JOIN contacts c ON c.contact_id = d.contact_id
                WHERE d.status = 'won' AND d.closed_at IS NOT NULL),
            tracked AS (
                SELECT e.event_id, e.event, e."timestamp" AS ts, e.revenue, e.currency, e.email, e.user_id, e.anonymous_id,
                       coalesce(s.segment, 0) AS segment
                FROM (SELECT * FROM events WHERE type = 'track' AND event IS NOT NULL) e
                ASOF LEFT JOIN segments s ON e.anonymous_id = s.anonymous_id AND e."timestamp" >= s.valid_from),
            all_conversions (conversion_id, conversion_type, person_id, contact_id, email, deal_id, "timestamp", revenue, currency) AS (
            {stages}
                UNION ALL
                SELECT 'deal:' || w.deal_id, 'deal', np.person_id, w.contact_id, w.email, w.deal_id, w.closed_at, w.amount, w.currency
                FROM won w LEFT JOIN node_person np ON np.node = 'e:' || w.email
                UNION ALL
                SELECT 'event:' || t.event_id, 'event:' || t.event,
                       coalesce(np.person_id, {PersonIds.Sql("coalesce(CASE WHEN t.anonymous_id IS NOT NULL THEN 's:' || t.anonymous_id || '#' || t.segment END, 'u:' || t.user_id, 'e:' || t.email)")}),
                       NULL, t.email, NULL, t.ts, t.revenue, t.currency
                FROM tracked t LEFT JOIN node_person np ON np.node = {EventNode}),
            milestones AS (
                SELECT person_id, min(lead_at) AS lead_at, min(opportunity_at) AS opportunity_at
                FROM contact_people WHERE person_id IS NOT NULL GROUP BY person_id)
            SELECT a.*, m.lead_at, m.opportunity_at
            FROM all_conversions a LEFT JOIN milestones m USING (person_id)
            """;
    }
}
