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
    /// its segment 1 row: segments are numbered from 1 and identities hold one row per cookie segment.
    /// </summary>
    public static TableFigures Read(LakeDatabase db, Func<string, string> tableSql)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tableSql);
        using var reader = db.ExecuteReader($"""
            SELECT count(DISTINCT person_id), count(DISTINCT person_id) FILTER (WHERE identifier_type = 'email'), count(*),
                   count(*) FILTER (WHERE identifier_type = 'anonymous_id' AND segment = 1),
                   count(*) FILTER (WHERE identifier_type = 'anonymous_id' AND NOT linked),
                   (SELECT CAST(coalesce(sum(event_count), 0) AS BIGINT) FROM ({tableSql("sessions")})),
                   (SELECT count(*) FROM ({tableSql("sessions")})),
                   (SELECT count(*) FROM ({tableSql("touchpoints")})),
                   (SELECT count(*) FROM ({tableSql("conversions")}))
            FROM ({tableSql("identities")})
            """);
        reader.Read();
        long At(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        return new TableFigures(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8));
    }

    public TableFigures Minus(TableFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TableFigures(Persons - other.Persons, IdentifiedPersons - other.IdentifiedPersons, Identities - other.Identities,
            SplitCookies - other.SplitCookies, UnlinkableCookies - other.UnlinkableCookies, Events - other.Events,
            Sessions - other.Sessions, Touchpoints - other.Touchpoints, Conversions - other.Conversions);
    }

    public TableFigures Plus(TableFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Minus(new TableFigures(-other.Persons, -other.IdentifiedPersons, -other.Identities, -other.SplitCookies,
            -other.UnlinkableCookies, -other.Events, -other.Sessions, -other.Touchpoints, -other.Conversions));
    }
}
