using ClosedLoop.Lake;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.IntegrationTests;

/// <summary>Reads query results back through <see cref="LakeDatabase"/> as plain rows.</summary>
public static class LakeQueries
{
    public static List<Dictionary<string, object?>> Rows(LakeLayout lake, string sql)
    {
        using var db = LakeDatabase.Open(lake);
        using var reader = db.ExecuteReader(sql);
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static long Count(LakeLayout lake, string sql)
    {
        using var db = LakeDatabase.Open(lake);
        return Convert.ToInt64(db.ExecuteScalar(sql), System.Globalization.CultureInfo.InvariantCulture);
    }
}
