namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>data-samples/small is exactly what the generator writes today (see data-samples/README.md to rebuild it).</summary>
public sealed class GenerateGoldenSampleTests
{
    [Fact]
    public void Committed_small_sample_matches_the_generator()
    {
        var golden = Path.Combine(AppContext.BaseDirectory, "data-samples", "small");
        Assert.True(Directory.Exists(golden), $"missing {golden}");
        using var set = new GeneratedDataSet(2_000, 7);
        var files = Directory.GetFiles(golden, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(golden, f)).ToList();
        Assert.Equal(8, files.Count);
        foreach (var file in files)
        {
            var expected = File.ReadAllBytes(Path.Combine(golden, file));
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(set.PathOf(file))),
                $"data-samples/small/{file} is stale: rerun the generate command in data-samples/README.md");
        }
    }
}
