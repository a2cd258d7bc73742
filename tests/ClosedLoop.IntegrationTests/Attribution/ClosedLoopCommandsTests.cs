using System.Globalization;
using System.Text.Json;
using ClosedLoop.IntegrationTests.Synthetic;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.IntegrationTests.Attribution;

/// <summary>
/// <c>attribute</c>, <c>report</c> and <c>export</c> as a user runs them on a generated data set: loaded, stitched,
/// then checked against the generator's truth (leads, customers, won revenue) and the models' invariants.
/// </summary>
[Collection("Console")]
public sealed class ClosedLoopCommandsTests : IClassFixture<ClosedLoopCommandsTests.StitchedLake>
{
    private readonly StitchedLake _data;

    public ClosedLoopCommandsTests(StitchedLake data) => _data = data;

    public sealed class StitchedLake : IDisposable
    {
        public StitchedLake()
        {
            Generated = new GeneratedDataSet(40_000, 5);
            foreach (var (kind, file) in new[] { ("events", "events.ndjson"), ("contacts", "contacts.csv"), ("deals", "deals.csv"), ("spend", "spend.csv") })
                Check(CliRunner.RunAsync("load", kind, Generated.PathOf(file), "--lake", Lake.Layout.Root).GetAwaiter().GetResult());
            Check(CliRunner.RunAsync("stitch", "--lake", Lake.Layout.Root).GetAwaiter().GetResult());
            var summary = Generated.Summary;
            Leads = summary.GetProperty("leads").GetInt64();
            Customers = summary.GetProperty("customers").GetInt64();
            WonRevenue = summary.GetProperty("won_revenue").GetDouble();
            Spend = File.ReadLines(Generated.PathOf("spend.csv")).Skip(1).Sum(l => double.Parse(SpendCost(l), CultureInfo.InvariantCulture));
        }

        private static string SpendCost(string line) => line.Split(',')[5];

        private static void Check(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Error);

        public TestLake Lake { get; } = new();
        public GeneratedDataSet Generated { get; }
        public long Leads { get; }
        public long Customers { get; }
        public double WonRevenue { get; }
        public double Spend { get; }

        public void Dispose()
        {
            Lake.Dispose();
            Generated.Dispose();
        }
    }

    private async Task<List<JsonElement>> JsonAsync(params string[] args)
    {
        var file = Path.Combine(_data.Lake.Root, Guid.NewGuid().ToString("N") + ".json");
        var result = await CliRunner.RunAsync([.. args, "--lake", _data.Lake.Layout.Root, "--format", "json", "--out", file]);
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static double Number(JsonElement row, string name) =>
        row.GetProperty(name).ValueKind == JsonValueKind.Null ? 0 : row.GetProperty(name).GetDouble();

    [Fact]
    public async Task Every_model_credits_each_deal_once_and_reconciles_with_the_crm()
    {
        var rows = await JsonAsync("attribute", "--conversion", "deal", "--model", "all");

        foreach (var model in AttributionModels.All.Where(m => m != "participation"))
        {
            var ofModel = rows.Where(r => r.GetProperty("model").GetString() == model).ToList();
            Assert.Equal(_data.Customers, ofModel.Sum(r => Number(r, "conversions")), 2);
            Assert.Equal(_data.WonRevenue, ofModel.Sum(r => Number(r, "revenue")), 0);
        }
        Assert.Contains(rows, r => r.GetProperty("model").GetString() == "markov" && Number(r, "removal_effect") > 0);
        // Paid channels carry spend and ROAS.
        var paid = rows.First(r => r.GetProperty("model").GetString() == "first" && r.GetProperty("channel").GetString() == "Paid Search");
        Assert.True(Number(paid, "spend") > 0);
        Assert.Equal(Math.Round(Number(paid, "revenue") / Number(paid, "spend"), 4), Number(paid, "roas"), 3);
    }

    [Fact]
    public async Task Several_conversion_types_in_one_run_report_per_type()
    {
        var rows = await JsonAsync("attribute", "--conversion", "lead,customer", "--model", "linear,markov");

        foreach (var model in new[] { "linear", "markov" })
        {
            Assert.Equal(_data.Leads, rows.Where(r => r.GetProperty("conversion_type").GetString() == "lead" && r.GetProperty("model").GetString() == model)
                .Sum(r => Number(r, "conversions")), 2);
            Assert.Equal(_data.Customers, rows.Where(r => r.GetProperty("conversion_type").GetString() == "customer" && r.GetProperty("model").GetString() == model)
                .Sum(r => Number(r, "conversions")), 2);
        }
        var all = await JsonAsync("attribute", "--conversion", "all", "--model", "first");
        Assert.Contains(all, r => r.GetProperty("conversion_type").GetString() == "deal");
        Assert.Contains(all, r => r.GetProperty("conversion_type").GetString()!.StartsWith("event:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stored_credits_sum_to_one_per_conversion_for_every_model_but_participation()
    {
        await JsonAsync("attribute", "--conversion", "lead", "--model", "all");

        var off = LakeQueries.Rows(_data.Lake.Layout, """
            select model, conversion_id, sum(credit) as total from credits
            where conversion_type = 'lead' and dimension = 'channel' and model <> 'participation'
            group by all having abs(sum(credit) - 1) > 1e-9
            """);
        Assert.Empty(off);
        Assert.Equal(_data.Leads, LakeQueries.Count(_data.Lake.Layout,
            "select count(distinct conversion_id) from credits where conversion_type = 'lead' and model = 'markov' and dimension = 'channel'"));
    }

    [Fact]
    public async Task Rerunning_some_models_replaces_their_credits_and_keeps_the_other_models_of_the_earlier_run()
    {
        const string Scope = "conversion_type = 'mql' and dimension = 'source'";
        await JsonAsync("attribute", "--conversion", "mql", "--model", "first,last", "--by", "source");
        List<string> Untouched(string model) => [.. LakeQueries.Rows(_data.Lake.Layout,
            $"select conversion_id from credits where {Scope} and model = '{model}' and touchpoint_id is null order by 1").Select(r => (string)r["conversion_id"]!)];
        var firstUntouched = Untouched("first");
        Assert.Equal(firstUntouched, Untouched("last"));

        // A day's lookback leaves more conversions without a touch: the second run's figures are told apart.
        await JsonAsync("attribute", "--conversion", "mql", "--model", "last,linear", "--by", "source", "--lookback", "1d");

        Assert.Equal(firstUntouched, Untouched("first"));
        Assert.Equal(Untouched("linear"), Untouched("last"));
        Assert.True(Untouched("last").Count > firstUntouched.Count, "the 1d run's untouched conversions replaced the 90d run's under last");
        // Each conversion still sums to 1 once per model: no model is held by two runs' files.
        Assert.Empty(LakeQueries.Rows(_data.Lake.Layout, $"""
            select model, conversion_id from credits where {Scope}
            group by all having abs(sum(credit) - 1) > 1e-9
            """));
        Assert.Equal(3, LakeQueries.Count(_data.Lake.Layout, $"select count(distinct model) from credits where {Scope}"));
        var files = Directory.GetFiles(CreditsStore.Directory(_data.Lake.Layout), "credits-mql-*-by-source.*.parquet");
        Assert.Equal(2, files.Length);
        // Every model column is a DOUBLE (a bare 1.0 in DuckDB would be a DECIMAL), so a BI tool sees one type.
        var types = LakeQueries.Rows(_data.Lake.Layout, $"""
            select distinct type from parquet_schema([{string.Join(", ", files.Select(f => $"'{f}'"))}])
            where name in ('first', 'last', 'linear')
            """).Select(r => (string)r["type"]!).ToList();
        Assert.Equal(["DOUBLE"], types);
    }

    [Fact]
    public async Task Credits_files_of_the_row_per_model_layout_are_ignored_by_the_view_and_removed_by_the_next_run()
    {
        await JsonAsync("attribute", "--conversion", "sql", "--model", "first");
        var legacy = Path.Combine(CreditsStore.Directory(_data.Lake.Layout), "credits-sql-00000000-first-by-campaign.parquet");
        using (var db = LakeDatabase.Open(_data.Lake.Layout))
            db.CopyToParquet("SELECT 'sql:1' AS conversion_id, 'first' AS model, 1.0 AS credit", legacy);

        Assert.True(LakeQueries.Count(_data.Lake.Layout, "select count(*) from credits where conversion_type = 'sql' and model = 'first'") > 0);
        await JsonAsync("attribute", "--conversion", "sql", "--model", "first");
        Assert.False(File.Exists(legacy));
    }

    [Fact]
    public async Task Funnel_totals_match_the_generated_crm()
    {
        var rows = await JsonAsync("report", "funnel");

        var total = rows.Single(r => r.GetProperty("channel").GetString() == "total");
        Assert.Equal(_data.Leads, (long)Number(total, "leads"));
        Assert.Equal(_data.Customers, (long)Number(total, "customers"));
        Assert.Equal(rows.Where(r => r.GetProperty("channel").GetString() != "total").Sum(r => Number(r, "leads")), Number(total, "leads"));
        Assert.All(rows, r => Assert.InRange(Number(r, "visitor_to_lead"), 0, 1));
        Assert.True(Number(total, "median_days_lead_to_mql") > 0);
    }

    [Fact]
    public async Task Roi_lists_all_spend_and_all_won_revenue()
    {
        var rows = await JsonAsync("report", "roi", "--model", "position");

        Assert.Equal(_data.Spend, rows.Sum(r => Number(r, "spend")), 0);
        Assert.Equal(_data.WonRevenue, rows.Sum(r => Number(r, "revenue")), 0);
        var paid = rows.Single(r => r.GetProperty("channel").GetString() == "Paid Social");
        Assert.Equal(Math.Round((Number(paid, "revenue") - Number(paid, "spend")) / Number(paid, "spend"), 4), Number(paid, "roi"), 3);
        Assert.Equal(Math.Round(Number(paid, "spend") / Number(paid, "leads"), 2), Number(paid, "cost_per_lead"), 1);
    }

    [Fact]
    public async Task Paths_rank_both_outcomes_with_shares_and_rates()
    {
        var rows = await JsonAsync("report", "paths", "--conversion", "lead", "--top", "5");

        Assert.Equal(5, rows.Count(r => r.GetProperty("outcome").GetString() == "conversion"));
        Assert.Equal(5, rows.Count(r => r.GetProperty("outcome").GetString() == "none"));
        Assert.All(rows, r => Assert.InRange(Number(r, "share"), 0, 1));
        Assert.All(rows, r => Assert.InRange(Number(r, "conversion_rate"), 0, 1));
        var counts = rows.Where(r => r.GetProperty("outcome").GetString() == "conversion").Select(r => Number(r, "count")).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
    }

    [Fact]
    public async Task Clv_and_content_reconcile_with_won_revenue()
    {
        var clv = await JsonAsync("report", "clv");
        Assert.Equal(_data.WonRevenue, clv.Sum(r => Number(r, "revenue")), 0);
        Assert.Equal(_data.Customers, (long)clv.Sum(r => Number(r, "customers")));

        var content = await JsonAsync("report", "content", "--model", "linear");
        Assert.Equal(_data.WonRevenue, content.Sum(r => Number(r, "revenue")), 0);
        Assert.Equal(_data.Leads, content.Sum(r => Number(r, "leads")), 2);
    }

    [Fact]
    public async Task Compare_shows_every_model_as_a_column_that_sums_to_the_conversions()
    {
        var rows = await JsonAsync("report", "compare", "--conversion", "customer");

        foreach (var model in AttributionModels.All.Where(m => m != "participation"))
            Assert.Equal(_data.Customers, rows.Sum(r => Number(r, model)), 2);
    }

    [Fact]
    public async Task Export_contacts_writes_one_row_per_contact_with_original_source_and_revenue()
    {
        var file = Path.Combine(_data.Lake.Root, "contacts-export.csv");
        var result = await CliRunner.RunAsync("export", "contacts", "--model", "w_shaped", "--out", file, "--lake", _data.Lake.Layout.Root);
        Assert.True(result.ExitCode == 0, result.Error);

        var lines = await File.ReadAllLinesAsync(file);
        var header = lines[0].Split(',');
        Assert.Equal(_data.Leads, lines.Length - 1);
        Assert.Contains("original_channel", header);
        Assert.Contains("lead_touch_channel", header);
        var won = Array.IndexOf(header, "won_revenue");
        Assert.Equal(_data.WonRevenue, lines.Skip(1).Sum(l => double.Parse(l.Split(',')[won], CultureInfo.InvariantCulture)), 0);
    }

    [Theory]
    [InlineData(new[] { "attribute", "--conversion", "lead", "--model", "first,magic" }, "unknown model 'magic'")]
    [InlineData(new[] { "attribute", "--conversion", "signup" }, "no conversions of type 'signup'")]
    [InlineData(new[] { "attribute", "--conversion", "lead", "--by", "weather" }, "cannot group by 'weather'")]
    [InlineData(new[] { "attribute", "--conversion", "lead", "--from", "01/02/2025" }, "--from '01/02/2025' is not a date")]
    [InlineData(new[] { "attribute", "--conversion", "lead", "--order", "7", "--model", "markov" }, "Markov order must be 1 to 4")]
    [InlineData(new[] { "report", "roi", "--model", "first,last" }, "this report takes one --model")]
    public async Task Bad_requests_get_a_clear_error(string[] args, string message)
    {
        var result = await CliRunner.RunAsync([.. args, "--lake", _data.Lake.Layout.Root]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
