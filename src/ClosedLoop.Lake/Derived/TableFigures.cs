using System.Globalization;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Derived;

/// <summary>
/// The stitch summary's figures of a set of person-table rows. Each is a sum over persons (a person's rows are all in
/// one set, and so are a cookie's: every person holding a scope cookie is recomputed; a conversion without a person
/// counts by its key, <see cref="PersonDelta.KeySql"/>), so the figures of a base plus
/// delta layout are the base's, less its replaced persons', plus the delta's. A recompute keeps the base's figures in
/// its manifest, so an incremental run counts only the replaced and the delta rows (<see cref="PersonDelta"/>).
/// </summary>
public sealed record TableFigures(long Persons, long IdentifiedPersons, long Identities, long SplitCookies, long UnlinkableCookies,
    long Events, long Sessions, long Touchpoints, long Conversions)
{
    /// <summary>
    /// Counts the rows of <paramref name="tableSql"/> (a person table's name to its SQL). A split cookie is counted by
    /// its segment 1 row: segments are numbered from 1 and identities hold one row per cookie segment. Touchpoints are
    /// counted from the sessions they are made of (every session not begun on an excluded referrer, written by the same
    /// run for the same persons), so the sessions are read once and the touchpoints not at all.
    /// </summary>
    public static TableFigures Read(LakeDatabase db, Func<string, string> tableSql)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tableSql);
        using var reader = db.ExecuteReader($"""
            WITH s AS MATERIALIZED (
                SELECT CAST(coalesce(sum(event_count), 0) AS BIGINT) AS events, count(*) AS sessions,
                       count(*) FILTER (WHERE NOT referral_excluded) AS touchpoints
                FROM ({tableSql("sessions")}))
            SELECT count(DISTINCT person_id), count(DISTINCT person_id) FILTER (WHERE identifier_type = 'email'), count(*),
                   count(*) FILTER (WHERE identifier_type = 'anonymous_id' AND segment = 1),
                   count(*) FILTER (WHERE identifier_type = 'anonymous_id' AND NOT linked),
                   (SELECT events FROM s), (SELECT sessions FROM s), (SELECT touchpoints FROM s),
                   (SELECT count(*) FROM ({tableSql("conversions")}))
            FROM ({tableSql("identities")})
            """);
        reader.Read();
        long At(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        return new TableFigures(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8));
    }

    public TableFigures Minus(TableFigures other) => Add(other, -1);

    public TableFigures Plus(TableFigures other) => Add(other, 1);

    private TableFigures Add(TableFigures other, int sign)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TableFigures(Persons + sign * other.Persons, IdentifiedPersons + sign * other.IdentifiedPersons,
            Identities + sign * other.Identities, SplitCookies + sign * other.SplitCookies,
            UnlinkableCookies + sign * other.UnlinkableCookies, Events + sign * other.Events, Sessions + sign * other.Sessions,
            Touchpoints + sign * other.Touchpoints, Conversions + sign * other.Conversions);
    }
}
