using ClosedLoop.Lake.Crm;

namespace ClosedLoop.Lake.Query;

/// <summary>
/// The columns of every view, used when a table has no Parquet files yet, so that queries over a
/// fresh lake answer with zero rows instead of an error. The one place to keep in step with the
/// writers: CRM tables take theirs from <see cref="CrmTable.AllColumns"/>.
/// </summary>
public static class LakeSchemas
{
    // Timestamps are UTC without a zone type: what Parquet.Net files read as in DuckDB.
    private const string Ts = "TIMESTAMP", Str = "VARCHAR";

    /// <summary>Raw enriched events (<c>EnrichedEvent</c>, snake_case), plus the partition column.</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> Events =
    [
        ("event_id", Str), ("event_key", "BIGINT"), ("timestamp", Ts), ("received_at", Ts), ("type", Str), ("event", Str),
        ("anonymous_id", Str), ("user_id", Str), ("email", Str), ("previous_id", Str),
        ("url", Str), ("page_host", Str), ("page_path", Str), ("referrer", Str), ("referrer_host", Str),
        ("source", Str), ("medium", Str), ("campaign", Str), ("content", Str), ("term", Str),
        ("click_id", Str), ("click_id_type", Str), ("channel", Str), ("referral_excluded", "BOOLEAN"),
        ("user_agent", Str), ("ip", Str), ("revenue", "DOUBLE"), ("currency", Str), ("properties", Str),
        ("timestamp_clamped", "BOOLEAN"), ("warnings", Str), ("event_date", "DATE"),
    ];

    /// <summary>As written by <c>RejectsWriter</c>, plus the <c>kind</c> partition column.</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> Rejects =
    [
        ("file", Str), ("line", "BIGINT"), ("batch_index", "INTEGER"), ("raw", Str), ("reason", Str),
        ("rejected_at", Ts), ("kind", Str),
    ];

    // The derived tables are written by stitching and attribution; these are their agreed columns
    // until the first recompute publishes files (then the files' own schema is used).
    public static readonly IReadOnlyList<(string Name, string Type)> Identities =
    [
        ("person_id", Str), ("identifier_type", Str), ("identifier", Str), ("segment", "INTEGER"), ("valid_from", Ts),
        ("valid_to", Ts), ("first_seen_at", Ts), ("last_seen_at", Ts), ("linked", "BOOLEAN"),
    ];

    public static readonly IReadOnlyList<(string Name, string Type)> Sessions =
    [
        ("session_id", Str), ("person_id", Str), ("anonymous_id", Str), ("started_at", Ts), ("ended_at", Ts),
        ("event_count", "BIGINT"), ("first_event_id", Str), ("landing_page", Str), ("referrer_host", Str), ("channel", Str),
        ("source", Str), ("medium", Str), ("campaign", Str), ("content", Str), ("term", Str), ("click_id", Str),
        ("referral_excluded", "BOOLEAN"),
    ];

    public static readonly IReadOnlyList<(string Name, string Type)> Touchpoints =
    [
        ("touchpoint_id", Str), ("person_id", Str), ("session_id", Str), ("event_id", Str), ("timestamp", Ts),
        ("channel", Str), ("source", Str), ("medium", Str), ("campaign", Str), ("content", Str), ("term", Str),
        ("landing_page", Str), ("referrer_host", Str), ("click_id", Str),
    ];

    public static readonly IReadOnlyList<(string Name, string Type)> Conversions =
    [
        ("conversion_id", Str), ("conversion_type", Str), ("person_id", Str), ("contact_id", Str), ("email", Str),
        ("deal_id", Str), ("timestamp", Ts), ("revenue", "DOUBLE"), ("currency", Str), ("lead_at", Ts), ("opportunity_at", Ts),
    ];

    public static readonly IReadOnlyList<(string Name, string Type)> Credits =
    [
        ("conversion_id", Str), ("conversion_type", Str), ("model", Str), ("dimension", Str), ("dimension_value", Str),
        ("person_id", Str), ("touchpoint_id", Str), ("touch_timestamp", Ts), ("converted_at", Ts), ("credit", "DOUBLE"), ("revenue", "DOUBLE"),
    ];

    /// <summary>The derived views, by name (<c>lake/derived/NAME/</c>).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Type)>> Derived =
        new Dictionary<string, IReadOnlyList<(string Name, string Type)>>(StringComparer.Ordinal)
        {
            ["identities"] = Identities,
            ["sessions"] = Sessions,
            ["touchpoints"] = Touchpoints,
            ["conversions"] = Conversions,
            ["credits"] = Credits,
        };

    public static IReadOnlyList<(string Name, string Type)> Of(CrmTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return [.. table.AllColumns.Select(c => (c.Name, c.DuckDbType))];
    }
}
