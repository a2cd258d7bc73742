namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>The same seed gives byte-identical files; another seed gives other data.</summary>
public sealed class GenerateDeterminismTests
{
    [Fact]
    public void Same_seed_writes_byte_identical_files()
    {
        using var a = new GeneratedDataSet(8_000, 7);
        using var b = new GeneratedDataSet(8_000, 7);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        var files = RelativeFiles(a.Directory);
        Assert.Equal(files, RelativeFiles(b.Directory));
        Assert.Contains("events.ndjson", files);
        Assert.Contains(Path.Combine("truth", "identities.csv"), files);
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(a.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(b.PathOf(file))), $"{file} differs between two runs with seed 7");
    }

    [Fact]
    public void Different_seeds_write_different_data()
    {
        using var a = new GeneratedDataSet(2_000, 7);
        using var b = new GeneratedDataSet(2_000, 8);
        Assert.NotEqual(File.ReadAllText(a.PathOf("events.ndjson")), File.ReadAllText(b.PathOf("events.ndjson")));
        Assert.NotEqual(File.ReadAllText(a.PathOf("contacts.csv")), File.ReadAllText(b.PathOf("contacts.csv")));
    }

    private static List<string> RelativeFiles(string dir) =>
        [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal)];
}
