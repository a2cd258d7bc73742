using System.Globalization;

namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>contacts.csv, deals.csv and spend.csv: consistent with each other and with the events.</summary>
public sealed class GeneratedCrmTests(GeneratedDataSet set) : IClassFixture<GeneratedDataSet>
{
    private static readonly string[] s_stages = ["lead_at", "mql_at", "sql_at", "opportunity_at", "customer_at"];

    [Fact]
    public void Contact_stage_dates_are_monotone_and_later_stages_are_rarer()
    {
        var contacts = set.ReadCsv("contacts.csv");
        Assert.NotEmpty(contacts);
        foreach (var c in contacts)
        {
            var previous = DateTime.MinValue;
            foreach (var stage in s_stages)
            {
                if (c[stage].Length == 0)
                    continue;
                var at = DateTime.Parse(c[stage], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
                Assert.True(at >= previous, $"contact {c["contact_id"]}: {stage} {c[stage]} is before an earlier stage");
                previous = at;
            }
            Assert.Equal(c["created_at"], c["lead_at"]);
        }
        var counts = s_stages.Select(s => contacts.Count(c => c[s].Length > 0)).ToArray();
        Assert.Equal(contacts.Count, counts[0]);
        Assert.True(counts[2] < counts[0] && counts[3] < counts[2] && counts[4] < counts[3], string.Join(",", counts));
        Assert.True(counts[4] > 0, "expected some customers");
    }

    [Fact]
    public void Contact_emails_are_unique_people_known_to_the_truth()
    {
        var contacts = set.ReadCsv("contacts.csv");
        var emails = contacts.Select(c => c["email"].Trim().ToLowerInvariant()).ToList();
        Assert.Equal(emails.Count, emails.Distinct(StringComparer.Ordinal).Count());
        var truth = set.ReadCsv("truth/identities.csv").Where(r => r["identifier_type"] == "email").Select(r => r["identifier"]).ToHashSet(StringComparer.Ordinal);
        Assert.All(emails, e => Assert.Contains(e, truth));
    }

    [Fact]
    public void Deals_reference_existing_contacts_and_look_like_b2b_deals()
    {
        var contacts = set.ReadCsv("contacts.csv").ToDictionary(c => c["contact_id"], StringComparer.Ordinal);
        var deals = set.ReadCsv("deals.csv");
        Assert.NotEmpty(deals);
        foreach (var d in deals)
        {
            Assert.True(contacts.TryGetValue(d["contact_id"], out var contact), $"deal {d["deal_id"]} has unknown contact {d["contact_id"]}");
            Assert.Equal(contact!["email"], d["email"]);
            Assert.Equal(contact["opportunity_at"], d["created_at"]);
            Assert.Contains(d["status"], new[] { "won", "lost", "open" });
            Assert.Equal(d["status"] == "open", d["closed_at"].Length == 0);
            if (d["status"] == "won")
                Assert.Equal(contact["customer_at"], d["closed_at"]);
            Assert.InRange(decimal.Parse(d["amount"], CultureInfo.InvariantCulture), 5_000m, 120_000m);
            Assert.Equal("USD", d["currency"]);
        }
        Assert.Equal(contacts.Values.Count(c => c["opportunity_at"].Length > 0), deals.Count);
    }

    [Fact]
    public void Spend_has_a_row_per_paid_campaign_and_day_of_the_window()
    {
        var spend = set.ReadCsv("spend.csv");
        var days = spend.Select(s => s["date"]).Distinct(StringComparer.Ordinal).Count();
        var campaigns = spend.Select(s => s["campaign"]).Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(90, days);
        Assert.Equal(days * campaigns, spend.Count);
        Assert.All(spend, s => Assert.True(decimal.Parse(s["cost"], CultureInfo.InvariantCulture) >= 0));
        Assert.Contains(spend, s => s["source"] == "google" && s["medium"] == "cpc");
        Assert.True(spend.Sum(s => long.Parse(s["clicks"], CultureInfo.InvariantCulture)) > 0);
    }
}
