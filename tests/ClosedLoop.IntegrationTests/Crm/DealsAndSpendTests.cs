using ClosedLoop.Lake.Crm;

namespace ClosedLoop.IntegrationTests.Crm;

public sealed class DealsAndSpendTests
{
    [Fact]
    public async Task HubSpot_deal_stages_map_to_won_lost_open()
    {
        using var lake = new TestLake();
        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Deals, TestLake.Sample("crm/deals.csv"));
        Assert.Equal((4L, 0L), (result.Loaded, result.Rejected));

        var deals = LakeQueries.Rows(lake.Layout, "select * from deals order by deal_id");
        Assert.Equal(["won", "open", "lost", "open"], deals.Select(d => d["status"]));
        Assert.Equal(12000m, deals[0]["amount"]);
        Assert.Equal("101", deals[0]["contact_id"]);
        Assert.Equal("ada.lovelace@example.com", deals[0]["email"]);
        Assert.Equal(new DateTime(2024, 4, 2, 16, 45, 0), deals[0]["closed_at"]);
        Assert.Equal("USD", deals[1]["currency"]);
        Assert.Equal("105", deals[3]["contact_id"]); // the first of several associated contacts
        Assert.Equal(1250m, deals[3]["amount"]);
    }

    [Fact]
    public async Task Salesforce_opportunities_map_with_us_dates_and_stage_names()
    {
        using var lake = new TestLake();
        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Deals, TestLake.Sample("crm/salesforce-opportunities.csv"));
        Assert.Equal((4L, 0L), (result.Loaded, result.Rejected));

        var deals = LakeQueries.Rows(lake.Layout, "select * from deals order by deal_id");
        Assert.Equal(["won", "lost", "open", "open"], deals.Select(d => d["status"]));
        Assert.Equal("0035g00000XyZ01", deals[0]["contact_id"]);
        Assert.Equal(25000m, deals[0]["amount"]);
        Assert.Equal(new DateTime(2024, 4, 15), deals[0]["closed_at"]);
        Assert.Equal(new DateTime(2024, 7, 1, 10, 30, 0), deals[3]["closed_at"]);
    }

    [Theory]
    [InlineData("Closed Won", null, null, "won")]
    [InlineData("closedlost", null, null, "lost")]
    [InlineData("Negotiation", "0", "0", "open")]
    [InlineData(null, "true", "true", "won")]
    [InlineData(null, "false", "true", "lost")]
    [InlineData("Custom Stage", null, null, "open")]
    public void Status_from_stage_or_flags(string? stage, string? won, string? closed, string expected) =>
        Assert.Equal(expected, DealsTable.Status(stage, won, closed));

    [Fact]
    public async Task Spend_loads_with_costs_and_counts()
    {
        using var lake = new TestLake();
        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Spend, TestLake.Sample("crm/spend.csv"));
        Assert.Equal((6L, 6L, 0L), (result.RowsRead, result.Loaded, result.Rejected));

        var total = LakeQueries.Rows(lake.Layout, "select sum(cost) as total_cost, sum(impressions)::BIGINT as impressions, count(distinct date) as days from spend").Single();
        Assert.Equal(1646.195m, total["total_cost"]);
        Assert.Equal(181700L, total["impressions"]);
        Assert.Equal(3L, total["days"]);
        var display = LakeQueries.Rows(lake.Layout, "select * from spend where channel = 'Display'").Single();
        Assert.Equal(new DateOnly(2024, 3, 3), display["date"] is DateTime dt ? DateOnly.FromDateTime(dt) : display["date"]);
        Assert.Equal(1020m, display["cost"]);
    }

    [Fact]
    public async Task Spend_rows_with_bad_costs_are_rejected_and_a_gzip_file_loads()
    {
        using var lake = new TestLake();
        var csv = "Day,Source,Medium,Campaign,Spend\n2024-04-01,google,cpc,a,10.5\n2024-04-01,google,cpc,b,1.234,5\n04/02/2024,meta,paid_social,c,abc\n";
        var path = Path.Combine(lake.Root, "spend.data.gz"); // no telling extension: found by magic bytes and content
        await using (var file = File.Create(path))
        await using (var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            await gz.WriteAsync(System.Text.Encoding.UTF8.GetBytes(csv));

        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Spend, path);

        Assert.Equal((3L, 1L, 2L), (result.RowsRead, result.Loaded, result.Rejected));
        var reasons = LakeQueries.Rows(lake.Layout, "select line, reason from rejects where kind = 'spend' order by line");
        Assert.Equal([3L, 4L], reasons.Select(r => (long)r["line"]!));
        Assert.Contains("field count", (string)reasons[0]["reason"]!);
        Assert.Contains("column 'Spend': 'abc'", (string)reasons[1]["reason"]!);
    }
}
