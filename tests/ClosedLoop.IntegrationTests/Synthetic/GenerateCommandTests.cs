namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>The command line contract of <c>closedloop generate</c>.</summary>
public sealed class GenerateCommandTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(4_321)]
    public void Events_is_the_exact_line_count_of_events_ndjson(long n)
    {
        using var set = new GeneratedDataSet(n, 3);
        Assert.Equal(0, set.ExitCode);
        Assert.Equal(n, File.ReadLines(set.PathOf("events.ndjson")).LongCount());
        Assert.Equal(n, set.Summary.GetProperty("lines").GetInt64());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Events_must_be_positive(string n)
    {
        var dir = Path.Combine(Path.GetTempPath(), "closedloop-gen-" + Guid.NewGuid().ToString("N"));
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = GeneratedDataSet.Run("generate", "--out", dir, "--events", n);
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Equal(2, code);
        Assert.Contains("--events must be greater than 0", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Out_is_required()
    {
        Assert.Equal(2, GeneratedDataSet.Run("generate", "--events", "10"));
    }
}
