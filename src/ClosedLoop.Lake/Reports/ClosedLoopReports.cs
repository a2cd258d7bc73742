using System.Globalization;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Reports;

/// <summary>
/// The closed-loop reports of SPEC section 6 as SQL over the derived tables (persons, touchpoints, conversions,
/// credits) and the CRM views. Each method returns one query; reports that need credits run
/// <see cref="AttributionRun"/> first (see <c>ReportCommand</c>). Decisions are in docs/reports.md.
/// </summary>
public static class ClosedLoopReports
{
    /// <summary>The CRM stages in funnel order, with the column names the funnel report uses.</summary>
    private static readonly (string Type, string Column)[] s_stages =
        [("lead", "leads"), ("mql", "mqls"), ("sql", "sqls"), ("opportunity", "opportunities"), ("customer", "customers")];

    /// <summary>
    /// Per first-touch value (a person's earliest touchpoint, by time then event_id): visitors, persons reaching
    /// each CRM stage, the rate from each stage to the next and the median days between stages. Persons with a
    /// CRM stage but no touchpoint are counted under <c>(none)</c>; the last row is the total.
    /// </summary>
    public static string Funnel(string dimension)
    {
        var value = AttributionModels.Dimensions[dimension];
        var stageAt = string.Join(",\n", s_stages.Select(s =>
            $"min(s.at) FILTER (WHERE s.conversion_type = '{s.Type}') AS {s.Type}_at"));
        var counts = string.Join(",\n", s_stages.Select(s => $"count({s.Type}_at) AS {s.Column}"));
        var rates = new List<string> { "round(count(lead_at) / nullif(count(*) FILTER (WHERE visited), 0), 4) AS visitor_to_lead" };
        var days = new List<string>();
        for (var i = 1; i < s_stages.Length; i++)
        {
            var (from, to) = (s_stages[i - 1].Type, s_stages[i].Type);
            rates.Add($"round(count({to}_at) / nullif(count({from}_at), 0), 4) AS {from}_to_{to}");
            days.Add($"round(median(date_diff('second', {from}_at, {to}_at) / 86400.0), 2) AS median_days_{from}_to_{to}");
        }
        return $"""
            WITH first_touch AS (
                SELECT person_id, arg_min(coalesce({value}, '(not set)'), ("timestamp", event_id)) AS value
                FROM touchpoints t GROUP BY person_id),
            stage AS (
                SELECT person_id, conversion_type, "timestamp" AS at FROM conversions
                WHERE person_id IS NOT NULL AND conversion_type IN ({string.Join(", ", s_stages.Select(s => $"'{s.Type}'"))})),
            persons AS (SELECT person_id FROM first_touch UNION SELECT person_id FROM stage),
            per_person AS (
                SELECT p.person_id, coalesce(f.value, '{AttributionModels.NoTouch}') AS value, f.person_id IS NOT NULL AS visited,
                       {stageAt}
                FROM persons p LEFT JOIN first_touch f USING (person_id) LEFT JOIN stage s USING (person_id)
                GROUP BY ALL)
            SELECT CASE WHEN grouping(value) = 1 THEN 'total' ELSE value END AS "{dimension}",
                   count(*) FILTER (WHERE visited) AS visitors,
                   {counts},
                   {string.Join(",\n", rates)},
                   {string.Join(",\n", days)}
            FROM per_person
            GROUP BY GROUPING SETS ((value), ())
            ORDER BY grouping(value), visitors DESC, leads DESC, 1
            """;
    }

    /// <summary>
    /// Spend against credited leads, customers and won-deal revenue under one model (credits of the runs for
    /// lead, customer and deal): ROAS = revenue / spend, ROI = (revenue − spend) / spend, cost per lead and per
    /// customer. Values with credit and no spend, and spend with no credit, are both listed.
    /// </summary>
    public static string Roi(string model, string dimension, DateOnly? from, DateOnly? to)
    {
        var spendValue = AttributionModels.SpendDimensions.TryGetValue(dimension, out var spendDimension) ? spendDimension : "NULL";
        var spendFilter = (from is { } f ? $" AND s.date >= DATE '{f:yyyy-MM-dd}'" : "") + (to is { } t ? $" AND s.date <= DATE '{t:yyyy-MM-dd}'" : "");
        return string.Create(CultureInfo.InvariantCulture, $"""
            WITH credited AS (
                SELECT dimension_value AS value,
                       sum(credit) FILTER (WHERE conversion_type = 'lead') AS leads,
                       sum(credit) FILTER (WHERE conversion_type = 'customer') AS customers,
                       sum(revenue) FILTER (WHERE conversion_type = 'deal') AS revenue
                FROM run_scope GROUP BY 1),
            spent AS (
                SELECT {spendValue} AS value, sum(CAST(cost AS DOUBLE)) AS spend FROM spend s
                WHERE {spendValue} IS NOT NULL{spendFilter} GROUP BY 1)
            SELECT '{model}' AS model, coalesce(c.value, s.value) AS "{dimension}",
                   round(s.spend, 2) AS spend,
                   round(coalesce(c.leads, 0), 4) AS leads,
                   round(coalesce(c.customers, 0), 4) AS customers,
                   round(coalesce(c.revenue, 0), 2) AS revenue,
                   round(c.revenue / nullif(s.spend, 0), 4) AS roas,
                   round((coalesce(c.revenue, 0) - s.spend) / nullif(s.spend, 0), 4) AS roi,
                   round(s.spend / nullif(c.leads, 0), 2) AS cost_per_lead,
                   round(s.spend / nullif(c.customers, 0), 2) AS cost_per_customer
            FROM credited c FULL OUTER JOIN spent s ON s.value = c.value
            ORDER BY revenue DESC, spend DESC NULLS LAST, 2
            """);
    }

    /// <summary>
    /// The most frequent paths (dimension values joined by " > ", by time then event_id) to a conversion (from the
    /// run's <c>paths</c> table) and to none (persons with touchpoints and no conversion of the type: all their
    /// touchpoints). Per path: count, share of its outcome and the conversion rate of that exact path.
    /// </summary>
    public static string Paths(string dimension, string conversionType, int top)
    {
        var value = AttributionModels.Dimensions[dimension];
        return string.Create(CultureInfo.InvariantCulture, $"""
            WITH converting AS (
                SELECT {DataDrivenWeights.OrderedPath("i", "dimension_value", "' > '")} AS path FROM paths GROUP BY conversion_id
                UNION ALL
                SELECT '{AttributionModels.NoTouch}' FROM conv ANTI JOIN (SELECT DISTINCT conversion_id FROM paths) p USING (conversion_id)),
            not_converting AS (
                SELECT {DataDrivenWeights.OrderedPath("t.\"timestamp\", t.event_id", $"coalesce({value}, '(not set)')", "' > '")} AS path
                FROM touchpoints t
                WHERE t.person_id NOT IN (SELECT person_id FROM conversions WHERE conversion_type = {LakeDatabase.Literal(conversionType)} AND person_id IS NOT NULL)
                GROUP BY t.person_id),
            counted AS (
                SELECT 'conversion' AS outcome, path, count(*) AS n FROM converting GROUP BY path
                UNION ALL
                SELECT 'none', path, count(*) FROM not_converting GROUP BY path),
            rated AS (
                SELECT outcome, path, n,
                       n / sum(n) OVER (PARTITION BY outcome) AS share,
                       sum(n) FILTER (WHERE outcome = 'conversion') OVER (PARTITION BY path) / sum(n) OVER (PARTITION BY path) AS conversion_rate,
                       row_number() OVER (PARTITION BY outcome ORDER BY n DESC, path) AS rank
                FROM counted)
            SELECT outcome, rank, path, n AS count, round(share, 4) AS share, round(coalesce(conversion_rate, 0), 4) AS conversion_rate
            FROM rated WHERE rank <= {top}
            ORDER BY outcome, rank
            """);
    }

    /// <summary>
    /// Lifetime revenue by acquisition value (first touch): customers (persons with a won deal), their won-deal
    /// revenue in total, on average and the median per customer.
    /// </summary>
    public static string Clv(string dimension)
    {
        var value = AttributionModels.Dimensions[dimension];
        return $"""
            WITH first_touch AS (
                SELECT person_id, arg_min(coalesce({value}, '(not set)'), ("timestamp", event_id)) AS value
                FROM touchpoints t GROUP BY person_id),
            lifetime AS (
                SELECT person_id, sum(revenue) AS revenue, count(*) AS deals, min("timestamp") AS first_won_at
                FROM conversions WHERE conversion_type = 'deal' AND person_id IS NOT NULL GROUP BY person_id)
            SELECT coalesce(f.value, '{AttributionModels.NoTouch}') AS "{dimension}",
                   count(*) AS customers,
                   sum(l.deals) AS deals,
                   round(sum(l.revenue), 2) AS revenue,
                   round(avg(l.revenue), 2) AS revenue_per_customer,
                   round(median(l.revenue), 2) AS median_revenue
            FROM lifetime l LEFT JOIN first_touch f USING (person_id)
            GROUP BY 1 ORDER BY revenue DESC, 1
            """;
    }

    /// <summary>
    /// Landing pages by credited leads, opportunities, pipeline (credited opportunities times the person's deal
    /// amounts, any status) and won revenue, under one model (credits by landing_page in <c>run_scope</c>).
    /// </summary>
    public static string Content(string model) => $"""
        WITH person_deals AS (
            SELECT c.person_id, sum(CAST(d.amount AS DOUBLE)) AS amount
            FROM deals d
            JOIN (SELECT DISTINCT person_id, contact_id, email FROM conversions WHERE conversion_type = 'opportunity' AND person_id IS NOT NULL) c
              ON c.contact_id = d.contact_id OR (d.contact_id IS NULL AND c.email = d.email)
            GROUP BY 1)
        SELECT '{model}' AS model, r.dimension_value AS landing_page,
               round(sum(r.credit) FILTER (WHERE r.conversion_type = 'lead'), 4) AS leads,
               round(sum(r.credit) FILTER (WHERE r.conversion_type = 'opportunity'), 4) AS opportunities,
               round(sum(r.credit * coalesce(p.amount, 0)) FILTER (WHERE r.conversion_type = 'opportunity'), 2) AS pipeline,
               round(coalesce(sum(r.revenue) FILTER (WHERE r.conversion_type = 'deal'), 0), 2) AS revenue
        FROM run_scope r LEFT JOIN person_deals p USING (person_id)
        GROUP BY 2 ORDER BY revenue DESC, pipeline DESC NULLS LAST, leads DESC NULLS LAST, 2
        """;

    /// <summary>
    /// Every model side by side for one conversion type (the run's <c>run_credits</c>): a column of credited
    /// conversions (or revenue) per model; with <paramref name="totalRow"/>, a last row of column totals under that label.
    /// </summary>
    public static string Compare(string dimension, IReadOnlyList<string> models, bool revenue, string? totalRow = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        var measure = revenue ? "revenue" : "credit";
        var columns = string.Join(",\n", models.Select(m => $"round(coalesce(sum({measure}) FILTER (WHERE model = '{m}'), 0), {(revenue ? 2 : 4)}) AS {m}"));
        var label = totalRow is null ? "dimension_value" : $"CASE WHEN grouping(dimension_value) = 1 THEN {LakeDatabase.Literal(totalRow)} ELSE dimension_value END";
        var groups = totalRow is null ? "GROUP BY dimension_value" : "GROUP BY GROUPING SETS ((dimension_value), ())";
        var order = totalRow is null ? "" : "grouping(dimension_value), ";
        return $"""
            SELECT {label} AS "{dimension}",
                   {columns}
            FROM run_credits
            {groups}
            ORDER BY {order}{models[0]} DESC, dimension_value
            """;
    }

    /// <summary>
    /// Conversions and revenue over time: per period (<paramref name="interval"/> day, week from Monday, or month,
    /// date_trunc of the UTC conversion time) and conversion type, the conversions and their revenue (0 without any).
    /// <paramref name="from"/> and <paramref name="to"/> are inclusive UTC days. Periods without conversions are not listed.
    /// </summary>
    public static string Timeline(string interval, IReadOnlyList<string> types, DateOnly? from, DateOnly? to)
    {
        ArgumentNullException.ThrowIfNull(types);
        var typeList = types.Count == 0 ? "NULL" : string.Join(", ", types.Select(LakeDatabase.Literal));
        var filter = (from is { } f ? $" AND \"timestamp\" >= DATE '{f:yyyy-MM-dd}'" : "")
            + (to is { } t ? $" AND \"timestamp\" < DATE '{t:yyyy-MM-dd}' + INTERVAL 1 DAY" : "");
        return string.Create(CultureInfo.InvariantCulture, $"""
            SELECT strftime(date_trunc({LakeDatabase.Literal(interval)}, "timestamp"), '%Y-%m-%d') AS period,
                   conversion_type,
                   count(*) AS conversions,
                   round(coalesce(sum(revenue), 0), 2) AS revenue
            FROM conversions
            WHERE "timestamp" IS NOT NULL AND conversion_type IN ({typeList}){filter}
            GROUP BY 1, 2
            ORDER BY 1, 2
            """);
    }
}
