using System.Globalization;
using DuckDB.NET.Data;

namespace ClosedLoop.TestSupport;

/// <summary>
/// SQL in a bare DuckDB (not ClosedLoop's views) over the lake's files, as any other engine would read them.
/// One copy for every test project: linked in by their .csproj.
/// </summary>
internal static class BareDuckDb
{
    /// <summary>Every row, each value as invariant text (null stays null).</summary>
    public static List<string?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The first value of the first row as a number.</summary>
    public static long Scalar(string sql) => long.Parse(Query(sql)[0][0]!, CultureInfo.InvariantCulture);
}
