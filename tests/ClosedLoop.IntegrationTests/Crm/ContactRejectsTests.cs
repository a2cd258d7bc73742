using ClosedLoop.Core;
using ClosedLoop.Lake.Crm;

namespace ClosedLoop.IntegrationTests.Crm;

public sealed class ContactRejectsTests
{
    [Fact]
    public async Task Bad_rows_go_to_rejects_with_line_and_reason_and_good_rows_load()
    {
        using var lake = new TestLake();
        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, TestLake.Sample("crm/contacts-bad.csv"));

        Assert.Equal(7, result.RowsRead);
        Assert.Equal(2, result.Loaded);
        Assert.Equal(5, result.Rejected);

        var loaded = LakeQueries.Rows(lake.Layout, "select contact_id from contacts order by contact_id").Select(r => r["contact_id"]);
        Assert.Equal(["c-1", "c-7"], loaded);

        var rejects = LakeQueries.Rows(lake.Layout, "select kind, file, line, raw, reason from rejects order by line");
        Assert.All(rejects, r => Assert.Equal("contacts", r["kind"]));
        Assert.All(rejects, r => Assert.EndsWith("contacts-bad.csv", (string)r["file"]!));
        Assert.Equal([3L, 4L, 5L, 6L, 7L], rejects.Select(r => (long)r["line"]!));

        var badDate = rejects[0];
        Assert.Equal("c-2,two@example.com,2024-13-45,2024-05-02,", badDate["raw"]);
        Assert.Contains("'created_at'", (string)badDate["reason"]!);
        Assert.Contains("'2024-13-45'", (string)badDate["reason"]!);
        Assert.Contains("unclosed quote", (string)rejects[1]["reason"]!);
        Assert.Contains("field count", (string)rejects[2]["reason"]!);
        Assert.Contains("no contact_id", (string)rejects[3]["reason"]!);
        Assert.Contains("'yesterday'", (string)rejects[4]["reason"]!);
    }

    [Fact]
    public async Task A_header_without_an_id_column_names_the_file_the_column_and_the_columns_seen()
    {
        using var lake = new TestLake();
        var path = lake.WriteFile("people.csv", "Name,Phone\nAda,123\n");

        var ex = await Assert.ThrowsAsync<UserInputException>(() => CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, path));

        Assert.Contains("people.csv", ex.Message);
        Assert.Contains("'contact_id' or 'email'", ex.Message);
        Assert.Contains("'Name', 'Phone'", ex.Message);
        Assert.False(Directory.Exists(lake.Layout.Contacts));
    }

    [Fact]
    public async Task A_missing_file_is_a_user_error()
    {
        using var lake = new TestLake();
        var ex = await Assert.ThrowsAsync<UserInputException>(() => CrmLoader.LoadAsync(lake.Layout, CrmTable.Deals, Path.Combine(lake.Root, "nope.csv")));
        Assert.Contains("nope.csv' not found", ex.Message);
    }
}
