using ClosedLoop.Lake;

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
