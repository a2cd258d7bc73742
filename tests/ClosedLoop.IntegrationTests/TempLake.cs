using System.Globalization;
using ClosedLoop.Lake;
using DuckDB.NET.Data;

namespace ClosedLoop.IntegrationTests;

/// <summary>A lake in a fresh temporary directory, deleted after the test, with DuckDB to read back what was written.</summary>
public sealed class TempLake : IDisposable
{
    public TempLake()
    {
        Root = Path.Combine(Path.GetTempPath(), "closedloop-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Layout = new LakeLayout(Path.Combine(Root, "lake"));
    }

    public string Root { get; }
    public LakeLayout Layout { get; }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs SQL in a fresh DuckDB and returns the rows as invariant strings (NULL as null).</summary>
    public List<string?[]> Query(string sql)
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

    public string EventsGlob => Path.Combine(Layout.Events, "**", "*.parquet");
    public string RejectsGlob => Path.Combine(Layout.Rejects, "**", "*.parquet");

    public long Scalar(string sql) => long.Parse(Query(sql)[0][0]!, CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
