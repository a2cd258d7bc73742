using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using ClosedLoop.Lake.Crm;

namespace ClosedLoop.IntegrationTests.Query;

[Collection("Console")]
public sealed class SqlCommandTests : IDisposable
{
    private const string Query = "select deal_id, status, amount, closed_at, cast(closed_at as date) as close_day, amount > 1000 as big, null as nothing from deals order by deal_id";
    private readonly TestLake _lake = new();

    public SqlCommandTests() =>
        CrmLoader.LoadAsync(_lake.Layout, CrmTable.Deals, TestLake.Sample("crm/deals.csv")).GetAwaiter().GetResult();

    public void Dispose() => _lake.Dispose();

    private Task<CliRunner.Result> Sql(params string[] args) =>
        CliRunner.RunAsync(["sql", .. args, "--lake", _lake.Layout.Root]);

    [Fact]
    public async Task Json_is_an_array_of_objects_with_iso_timestamps_and_nulls()
    {
        var path = Path.Combine(_lake.Root, "out.json");
        var result = await Sql(Query, "--format", "json", "--out", path);
        Assert.Equal(0, result.ExitCode);

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal("9001", rows[0].GetProperty("deal_id").GetString());
        Assert.Equal(12000m, rows[0].GetProperty("amount").GetDecimal());
        Assert.Equal("2024-04-02T16:45:00Z", rows[0].GetProperty("closed_at").GetString());
        Assert.Equal("2024-04-02", rows[0].GetProperty("close_day").GetString());
        Assert.True(rows[0].GetProperty("big").GetBoolean());
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("nothing").ValueKind);
    }

    [Fact]
    public async Task Csv_has_a_header_and_quotes_where_needed()
    {
        var path = Path.Combine(_lake.Root, "out.csv");
        var result = await Sql("select deal_id, deal_name || ', Inc' as name, amount from deals order by deal_id", "--format", "csv", "--out", path);
        Assert.Equal(0, result.ExitCode);

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("deal_id,name,amount", lines[0]);
        Assert.Equal("9001,\"Lovelace Analytics - Annual, Inc\",12000.0000", lines[1]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task Table_aligns_columns()
    {
        var path = Path.Combine(_lake.Root, "out.txt");
        var result = await Sql("select deal_id, status from deals order by deal_id", "--format", "table", "--out", path);
        Assert.Equal(0, result.ExitCode);

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("deal_id | status", lines[0]);
        Assert.Equal("--------+-------", lines[1]);
        Assert.Equal("9001    | won", lines[2]);
        Assert.Equal("(4 rows)", lines[^1]);
    }

    [Fact]
    public async Task Arrow_file_reads_back_with_typed_columns()
    {
        var path = Path.Combine(_lake.Root, "out.arrow");
        var result = await Sql(Query, "--format", "arrow", "--out", path);
        Assert.Equal(0, result.ExitCode);

        await using var file = File.OpenRead(path);
        using var reader = new ArrowFileReader(file);
        var batch = await reader.ReadNextRecordBatchAsync();
        Assert.NotNull(batch);
        Assert.Equal(4, batch.Length);
        Assert.Equal("9001", ((StringArray)batch.Column("deal_id")).GetString(0));
        Assert.Equal(12000d, ((DoubleArray)batch.Column("amount")).GetValue(0));
        Assert.Equal(new DateTimeOffset(2024, 4, 2, 16, 45, 0, TimeSpan.Zero), ((TimestampArray)batch.Column("closed_at")).GetTimestamp(0));
        Assert.Equal(new DateOnly(2024, 4, 2), ((Date32Array)batch.Column("close_day")).GetDateOnly(0));
        Assert.True(((BooleanArray)batch.Column("big")).GetValue(0));
        Assert.True(batch.Column("nothing").IsNull(0));
    }

    [Fact]
    public async Task Parquet_file_reads_back_with_duckdb()
    {
        var path = Path.Combine(_lake.Root, "out.parquet");
        var result = await Sql(Query + ";", "--format", "parquet", "--out", path);
        Assert.Equal(0, result.ExitCode);

        var rows = LakeQueries.Rows(_lake.Layout, $"select deal_id, status from read_parquet('{path}') order by deal_id");
        Assert.Equal(["won", "open", "lost", "open"], rows.Select(r => r["status"]));
    }

    [Fact]
    public async Task A_syntax_error_exits_1_with_duckdbs_message()
    {
        var result = await Sql("selec * from deals");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: SQL error: Parser Error: syntax error", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task An_unknown_table_exits_1()
    {
        var result = await Sql("select * from nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nope", result.Error);
    }

    [Fact]
    public async Task Load_prints_a_summary_with_where_rejects_go()
    {
        var result = await CliRunner.RunAsync("load", "contacts", TestLake.Sample("crm/contacts-bad.csv"), "--lake", _lake.Layout.Root);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("contacts: 7 rows read, 2 loaded, 5 rejected", result.Out);
        Assert.Contains(Path.Combine("rejects", "kind=contacts"), result.Out);
    }

    [Fact]
    public async Task Loading_a_missing_file_exits_1()
    {
        var result = await CliRunner.RunAsync("load", "spend", "missing.csv", "--lake", _lake.Layout.Root);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: file 'missing.csv' not found", result.Error.Trim());
    }
}
