using ClosedLoop.Lake.Attribution;

namespace ClosedLoop.Lake.Reports;

/// <summary>One titled query of a report; <see cref="Key"/> names it in machine-readable output.</summary>
public sealed record ReportSection(string Key, string Title, string Sql);

/// <summary>
/// The closed-loop report of <c>closedloop demo</c>: traffic, stitched touchpoints, the funnel per first-touch
/// channel and won revenue per channel under every attribution model.
/// Lives in Lake, not the CLI, so the HTTP API can serve the same numbers.
/// </summary>
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

    /// <summary>The funnel per first-touch channel (<see cref="ClosedLoopReports.Funnel"/>).</summary>
    public static readonly ReportSection Funnel = new("funnel", "Funnel per first-touch channel", ClosedLoopReports.Funnel("channel"));

    /// <summary>
    /// Won revenue per channel under every model, side by side, from an attribution run of <c>deal</c> conversions
    /// (its <c>run_credits</c>), with a total row: every column but participation equals the CRM's won revenue.
    /// </summary>
    public static readonly ReportSection Models = new("models", "Won revenue per channel under every attribution model",
        ClosedLoopReports.Compare("channel", AttributionModels.All, revenue: true, totalRow: TotalRow));

    /// <summary>Every section in print order.</summary>
    public static readonly IReadOnlyList<ReportSection> Sections = [Traffic, Touchpoints, Funnel, Models];
}
