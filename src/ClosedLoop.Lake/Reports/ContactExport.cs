namespace ClosedLoop.Lake.Reports;

/// <summary>
/// The CRM write-back file: one row per contact with what marketing knows about them, in columns a CRM import
/// can map to contact properties (HubSpot's "Original Source" and friends). Won revenue is the contact's won
/// deals; credited revenue is the part of it the model credited to a touchpoint (the rest had no touch in the
/// lookback window).
/// </summary>
public static class ContactExport
{
    public static string Sql(string model) => $$"""
        WITH people AS (
            SELECT c.contact_id, c.email, c.lead_at, i.person_id
            FROM contacts c LEFT JOIN identities i ON i.identifier_type = 'email' AND i.identifier = c.email),
        touches AS (
            SELECT p.contact_id, t.channel, t.source, t.medium, t.campaign, t."timestamp", t.event_id,
                   t."timestamp" <= p.lead_at AS before_lead
            FROM people p JOIN touchpoints t ON t.person_id = p.person_id),
        summary AS (
            -- One struct per touch, so every field of the original (or lead) touch comes from the same touch, nulls included.
            SELECT contact_id,
                   arg_min({'channel': channel, 'source': source, 'medium': medium, 'campaign': campaign}, ("timestamp", event_id)) AS original,
                   min("timestamp") AS first_touch_at,
                   arg_max({'channel': channel, 'source': source, 'campaign': campaign}, ("timestamp", event_id)) FILTER (WHERE before_lead) AS lead_touch,
                   count(*) AS touch_count
            FROM touches GROUP BY contact_id),
        revenue AS (
            SELECT person_id, sum(revenue) AS won_revenue,
                   sum(revenue) FILTER (WHERE touchpoint_id IS NOT NULL) AS credited_revenue
            FROM credits
            WHERE model = '{{model}}' AND conversion_type = 'deal' AND dimension = 'channel'
            GROUP BY person_id)
        SELECT p.contact_id, p.email, p.person_id, s.original.channel AS original_channel, s.original.source AS original_source,
               s.original.medium AS original_medium, s.original.campaign AS original_campaign, s.first_touch_at,
               s.lead_touch.channel AS lead_touch_channel, s.lead_touch.source AS lead_touch_source, s.lead_touch.campaign AS lead_touch_campaign,
               coalesce(s.touch_count, 0) AS touch_count,
               '{{model}}' AS model, round(coalesce(r.won_revenue, 0), 2) AS won_revenue, round(coalesce(r.credited_revenue, 0), 2) AS credited_revenue
        FROM people p
        LEFT JOIN summary s USING (contact_id)
        LEFT JOIN revenue r USING (person_id)
        ORDER BY p.contact_id, p.email
        """;
}
