namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// Per-touch credit of each rule-based model as a SQL expression over the <c>paths</c> temp table, one row per
/// (conversion, touch) with <c>i</c> (1-based position by time then event_id), <c>n</c> (touches in the window),
/// <c>lead_i</c>/<c>opp_i</c> (the touch that created the lead / the opportunity: the last one at or before
/// that milestone), <c>lnd_i</c> (the last non-Direct touch), <c>decay</c> (time-decay weight),
/// <c>decay_total</c> (the path's sum), <c>first_of_value</c> (first touch of its dimension value) and, for the
/// milestone models, <c>rest_w</c> / <c>rest_fp</c> (how many touches hold no W-shaped / full-path role). Each expression gives a conversion's touches
/// credits that sum to 1, except <c>participation</c>. Worked examples are in docs/attribution-models.md.
/// </summary>
public static class HeuristicCreditsSql
{
    private const string Position = "CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 WHEN i = 1 OR i = n THEN 0.4 ELSE 0.2 / (n - 2) END";

    /// <summary>The SQL expression of a model's credit for the touch in the current row.</summary>
    public static string Credit(string model) => model switch
    {
        "first" => "CASE WHEN i = 1 THEN 1.0 ELSE 0.0 END",
        "last" => "CASE WHEN i = n THEN 1.0 ELSE 0.0 END",
        "last_non_direct" => "CASE WHEN i = coalesce(lnd_i, n) THEN 1.0 ELSE 0.0 END",
        "linear" => "1.0 / n",
        "position" => Position,
        "j_shaped" => "CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN (CASE WHEN i = 1 THEN 0.25 ELSE 0.75 END) WHEN i = 1 THEN 0.2 WHEN i = n THEN 0.6 ELSE 0.2 / (n - 2) END",
        "inverse_j" => "CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN (CASE WHEN i = 1 THEN 0.75 ELSE 0.25 END) WHEN i = 1 THEN 0.6 WHEN i = n THEN 0.2 ELSE 0.2 / (n - 2) END",
        "time_decay" => "decay / decay_total",
        "participation" => "CASE WHEN first_of_value THEN 1.0 ELSE 0.0 END",
        "w_shaped" => RoleShares(role: 0.3, rest: 0.1, closing: false),
        "full_path" => RoleShares(role: 0.225, rest: 0.1, closing: true),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "not a heuristic model"),
    };

    /// <summary>
    /// W-shaped and full-path: <paramref name="role"/> to the first touch, the lead-creation touch, the
    /// opportunity-creation touch (and for full path the closing touch), adding up where roles fall on one touch;
    /// <paramref name="rest"/> shared by the touches holding no role. Normalised by the conversion's total, so a
    /// missing milestone or an empty "rest" still sums to 1. Without either milestone: position.
    /// </summary>
    private static string RoleShares(double role, double rest, bool closing)
    {
        var r = AttributionModels.Sql(role);
        var closingRole = closing ? $" + CASE WHEN i = n THEN {r} ELSE 0 END" : "";
        var restCount = closing ? "rest_fp" : "rest_w";
        var raw = $"""
            (CASE WHEN i = 1 THEN {r} ELSE 0 END + CASE WHEN i = lead_i THEN {r} ELSE 0 END + CASE WHEN i = opp_i THEN {r} ELSE 0 END{closingRole}
             + CASE WHEN NOT ({HoldsRole(closing)}) THEN {AttributionModels.Sql(rest)} / {restCount} ELSE 0 END)
            """;
        // The path's total: each role once (the first touch, the milestones there are, the closing touch), and the
        // rest's share if any touch holds no role.
        var total = $"""
            ({r} * (1 + CASE WHEN lead_i IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN opp_i IS NOT NULL THEN 1 ELSE 0 END{(closing ? " + 1" : "")})
             + CASE WHEN {restCount} > 0 THEN {AttributionModels.Sql(rest)} ELSE 0 END)
            """;
        return $"""
            CASE WHEN lead_i IS NULL AND opp_i IS NULL THEN {Position}
                 ELSE {raw} / {total} END
            """;
    }

    /// <summary>
    /// How many distinct touches of a path hold a role: the first, the lead- and opportunity-creation touches (and for
    /// full path the closing one). The path's length minus this is its <c>rest_w</c> / <c>rest_fp</c>.
    /// </summary>
    public static string Roles(bool closing)
    {
        var roles = "(1 + CASE WHEN p.lead_i > 1 THEN 1 ELSE 0 END + CASE WHEN p.opp_i > 1 AND p.opp_i IS DISTINCT FROM p.lead_i THEN 1 ELSE 0 END";
        return roles + (closing ? " + CASE WHEN p.n > 1 AND p.n IS DISTINCT FROM p.lead_i AND p.n IS DISTINCT FROM p.opp_i THEN 1 ELSE 0 END)" : ")");
    }

    /// <summary>The touch holds a milestone role: first, lead creation, opportunity creation (and closing, for full path).</summary>
    private static string HoldsRole(bool closing) =>
        "i = 1 OR i IS NOT DISTINCT FROM lead_i OR i IS NOT DISTINCT FROM opp_i" + (closing ? " OR i = n" : "");
}
