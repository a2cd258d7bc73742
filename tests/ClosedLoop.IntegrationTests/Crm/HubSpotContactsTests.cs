using System.Text.Json;
using ClosedLoop.Lake.Crm;

namespace ClosedLoop.IntegrationTests.Crm;

public sealed class HubSpotContactsTests
{
    [Fact]
    public async Task HubSpot_export_headers_map_to_contact_columns()
    {
        using var lake = new TestLake();
        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, TestLake.Sample("crm/hubspot-contacts.csv"));

        Assert.Equal(5, result.RowsRead);
        Assert.Equal(5, result.Loaded);
        Assert.Equal(0, result.Rejected);
        Assert.NotNull(result.OutputFile);
        Assert.StartsWith(lake.Layout.Contacts, result.OutputFile);

        var ada = LakeQueries.Rows(lake.Layout, "select * from contacts where contact_id = '101'").Single();
        Assert.Equal("ada.lovelace@example.com", ada["email"]);
        Assert.Equal(new DateTime(2024, 3, 1, 9, 15, 0), ada["created_at"]);
        Assert.Equal(new DateTime(2024, 3, 4, 11, 0, 0), ada["mql_at"]);
        Assert.Equal(new DateTime(2024, 4, 2, 16, 45, 0), ada["customer_at"]);
        Assert.EndsWith("hubspot-contacts.csv", (string)ada["source_file"]!);
        Assert.Equal(2L, ada["source_line"]);
        Assert.NotNull(ada["loaded_at"]);

        using var properties = JsonDocument.Parse((string)ada["properties"]!);
        Assert.Equal("Ada", properties.RootElement.GetProperty("First Name").GetString());
        Assert.Equal("Webinar", properties.RootElement.GetProperty("Original Source").GetString());
        Assert.False(properties.RootElement.TryGetProperty("Email", out _));
    }

    [Fact]
    public async Task Invalid_email_is_dropped_but_the_contact_with_an_id_is_kept()
    {
        using var lake = new TestLake();
        await CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, TestLake.Sample("crm/hubspot-contacts.csv"));

        var alan = LakeQueries.Rows(lake.Layout, "select email, created_at from contacts where contact_id = '103'").Single();
        Assert.Null(alan["email"]);
        Assert.Equal(new DateTime(2024, 3, 5, 17, 40, 0), alan["created_at"]); // MM/dd/yyyy HH:mm
    }

    [Fact]
    public async Task Ndjson_contacts_load_with_unknown_keys_as_properties()
    {
        using var lake = new TestLake();
        var path = lake.WriteFile("contacts.ndjson",
            """
            {"contact_id":"n1","email":" X@Example.COM ","created_at":"2024-01-01T10:00:00+02:00","plan":"pro"}

            {"Record ID":"n2","Became a Lead Date":"2024-02-01"}
            not json
            """);

        var result = await CrmLoader.LoadAsync(lake.Layout, CrmTable.Contacts, path);

        Assert.Equal((3L, 2L, 1L), (result.RowsRead, result.Loaded, result.Rejected));
        var n1 = LakeQueries.Rows(lake.Layout, "select * from contacts where contact_id = 'n1'").Single();
        Assert.Equal("x@example.com", n1["email"]);
        Assert.Equal(new DateTime(2024, 1, 1, 8, 0, 0), n1["created_at"]);
        Assert.Equal("""{"plan":"pro"}""", n1["properties"]);
        var reject = LakeQueries.Rows(lake.Layout, "select line, reason from rejects").Single();
        Assert.Equal(4L, reject["line"]);
        Assert.StartsWith("invalid JSON", (string)reject["reason"]!);
    }
}
