namespace ClosedLoop.IntegrationTests.Loading;

[Collection("Console")]
public sealed class LoadEventsCommandTests : IDisposable
{
    private readonly TestLake _lake = new();

    [Fact]
    public async Task Prints_read_loaded_duplicates_and_rejected_and_says_where_rejects_are()
    {
        var file = TestLake.Sample("malformed/events-broken.ndjson");

        var result = await CliRunner.RunAsync("load", "events", file, "--lake", _lake.Layout.Root);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("read 13, loaded 4, duplicates skipped 0, rejected 9", result.Out, StringComparison.Ordinal);
        Assert.Contains("rejects", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_fails_with_exit_1_and_names_it_without_a_stack_trace()
    {
        var result = await CliRunner.RunAsync("load", "events", Path.Combine(_lake.Root, "missing.ndjson"), "--lake", _lake.Layout.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.ndjson", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memory_limit_that_is_not_a_size_is_a_user_error_naming_the_value()
    {
        var result = await CliRunner.RunAsync("load", "events", TestLake.Sample("small/events.ndjson"), "--memory-limit", "lots", "--lake", _lake.Layout.Root);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("'lots' is not a size", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_lake.Layout.Events));
    }

    [Fact]
    public async Task No_file_argument_is_bad_usage()
    {
        var result = await CliRunner.RunAsync("load", "events", "--lake", _lake.Layout.Root);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Loading_a_file_twice_leaves_the_row_count_unchanged_in_sql()
    {
        var file = TestLake.Sample("small/events.ndjson");
        await CliRunner.RunAsync("load", "events", file, "--lake", _lake.Layout.Root);
        var first = await CliRunner.RunAsync("sql", "select count(*) as n from events", "--format", "csv", "--lake", _lake.Layout.Root);

        var again = await CliRunner.RunAsync("load", "events", file, "--lake", _lake.Layout.Root);
        var second = await CliRunner.RunAsync("sql", "select count(*) as n from events", "--format", "csv", "--lake", _lake.Layout.Root);

        Assert.Contains(", loaded 0,", again.Out, StringComparison.Ordinal);
        Assert.Equal(first.Out, second.Out);
        Assert.NotEqual("n\n0\n", first.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Reloading_a_file_does_not_repeat_its_rejects()
    {
        var file = TestLake.Sample("malformed/events-broken.ndjson");

        await CliRunner.RunAsync("load", "events", file, "--lake", _lake.Layout.Root);
        await CliRunner.RunAsync("load", "events", file, "--lake", _lake.Layout.Root);

        Assert.Equal(9, LakeQueries.Count(_lake.Layout, "select count(*) from rejects where kind = 'events'"));
    }

    public void Dispose() => _lake.Dispose();
}
