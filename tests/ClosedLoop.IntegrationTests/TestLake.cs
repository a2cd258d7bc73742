using ClosedLoop.Lake;
using ClosedLoop.TestSupport;

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
    public List<string?[]> Query(string sql) => BareDuckDb.Query(sql);

    public long Scalar(string sql) => BareDuckDb.Scalar(sql);

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
