using ClosedLoop.Lake.Query;

namespace ClosedLoop.IntegrationTests.Query;

[Collection("Console")]
public sealed class EmptyLakeTests
{
    [Fact]
    public void Every_view_exists_on_a_fresh_lake_and_answers_zero_rows()
    {
        using var lake = new TestLake();
        foreach (var view in LakeDatabase.ViewNames)
            Assert.Equal(0, LakeQueries.Count(lake.Layout, $"select count(*) from {view}"));
    }

    [Fact]
    public void Empty_views_have_their_columns()
    {
        using var lake = new TestLake();
        var columns = LakeQueries.Rows(lake.Layout, "select column_name from (describe select * from contacts)").Select(r => r["column_name"]);
        Assert.Equal(["contact_id", "email", "created_at", "lead_at", "mql_at", "sql_at", "opportunity_at", "customer_at", "properties", "source_file", "source_line", "loaded_at"], columns);
        Assert.Equal(0, LakeQueries.Count(lake.Layout, "select count(*) from events where channel = 'Direct' and event_date > DATE '2024-01-01'"));
        Assert.Equal(0, LakeQueries.Count(lake.Layout, "select count(*) from credits c join touchpoints t using (touchpoint_id)"));
    }

    [Fact]
    public async Task Sql_command_over_an_empty_lake_answers_zero_for_events()
    {
        using var lake = new TestLake();
        var result = await CliRunner.RunAsync("sql", "select count(*) as n from events", "--format", "json", "--lake", lake.Layout.Root);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Derived_views_read_files_once_a_recompute_publishes_them()
    {
        using var lake = new TestLake();
        var dir = Path.Combine(lake.Layout.Derived, "sessions", "bucket=1");
        Directory.CreateDirectory(dir);
        using (var db = LakeDatabase.Open(lake.Layout))
            db.Execute($"COPY (select 's1' as session_id, 'p1' as person_id) TO {LakeDatabase.Literal(Path.Combine(dir, "part-1.parquet"))} (FORMAT parquet)");

        var row = LakeQueries.Rows(lake.Layout, "select * from sessions").Single();
        Assert.Equal("s1", row["session_id"]);
        Assert.Equal(1L, row["bucket"]);
    }
}
