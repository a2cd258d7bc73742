using System.Globalization;
using ClosedLoop.Lake;
using DuckDB.NET.Data;

namespace ClosedLoop.IntegrationTests;

/// <summary>A lake in a fresh temporary directory, deleted afterwards.</summary>
public sealed class TestLake : IDisposable
{
    public TestLake()
    {
        Root = Path.Combine(Path.GetTempPath(), "closedloop-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Layout = new LakeLayout(Path.Combine(Root, "lake"));
    }

    public string Root { get; }
    public LakeLayout Layout { get; }

    public static string Sample(string relative) => Path.Combine(AppContext.BaseDirectory, "data-samples", relative);

    /// <summary>Writes an input file next to the lake.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string EventsGlob => Path.Combine(Layout.Events, "**", "*.parquet");
    public string RejectsGlob => Path.Combine(Layout.Rejects, "**", "*.parquet");

    /// <summary>Runs SQL in a bare DuckDB (not ClosedLoop's views), as another engine reading the lake would.</summary>
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

    public long Scalar(string sql) => long.Parse(Query(sql)[0][0]!, CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp directory is harmless
        }
    }
}
