using ClosedLoop.Lake.Crm;

namespace ClosedLoop.IntegrationTests.Crm;

public sealed class ReloadTests
{
    [Fact]
    public async Task Reloading_an_updated_export_replaces_the_earlier_state()
    {
        using var lake = new TestLake();
        var first = lake.WriteFile("v1.csv",
            "Record ID,Email,Create Date,Became a Lead Date,Became a Customer Date\n" +
            "1,a@example.com,2024-01-01,2024-01-01,\n" +
            "2,b@example.com,2024-01-02,2024-01-02,\n");
        var second = lake.WriteFile("v2.csv",
            "Record ID,Email,Create Date,Became a Lead Date,Became a Customer Date\n" +
            "1,a@example.com,2024-01-01,2024-01-01,2024-02-15 12:00\n");

        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, first);
        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, second);

        var rows = LakeQueries.Rows(lake.Layout, "select contact_id, customer_at, source_file from contacts order by contact_id");
        Assert.Equal(2, rows.Count);
        Assert.Equal(new DateTime(2024, 2, 15, 12, 0, 0), rows[0]["customer_at"]);
        Assert.EndsWith("v2.csv", (string)rows[0]["source_file"]!);
        Assert.Null(rows[1]["customer_at"]); // contact 2 was not in the new export: its earlier state stays
        Assert.Equal(2, Directory.GetFiles(lake.Layout.Contacts, "*.parquet").Length);
    }

    [Fact]
    public async Task A_reloaded_deal_shows_its_new_status_once()
    {
        using var lake = new TestLake();
        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Deals, TestLake.Sample("crm/deals.csv"));
        var update = lake.WriteFile("deals-update.csv", "Deal ID,Deal Stage,Amount,Close Date\n9002,Closed Won,\"4,700.00\",2024-06-01\n");
        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Deals, update);

        Assert.Equal(4, LakeQueries.Count(lake.Layout, "select count(*) from deals"));
        var deal = LakeQueries.Rows(lake.Layout, "select status, amount from deals where deal_id = '9002'").Single();
        Assert.Equal("won", deal["status"]);
        Assert.Equal(4700m, deal["amount"]);
    }

    [Fact]
    public async Task Reloading_spend_replaces_the_same_days_and_campaigns()
    {
        using var lake = new TestLake();
        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Spend, TestLake.Sample("crm/spend.csv"));
        var correction = lake.WriteFile("spend-fix.csv",
            "date,channel,source,medium,campaign,cost\n2024-03-01,Paid Search,google,cpc,brand-search,100\n2024-03-01,Paid Search,google,cpc,brand-search,25\n");
        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Spend, correction);

        Assert.Equal(7, LakeQueries.Count(lake.Layout, "select count(*) from spend"));
        var brand = LakeQueries.Rows(lake.Layout,
            "select sum(cost) as cost from spend where date = DATE '2024-03-01' and campaign = 'brand-search'").Single();
        Assert.Equal(125m, brand["cost"]);
    }
}
