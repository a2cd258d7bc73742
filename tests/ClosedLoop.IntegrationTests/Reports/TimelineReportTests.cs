using System.Globalization;
using System.Text.Json;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.IntegrationTests.Reports;

/// <summary>
/// <c>closedloop report timeline</c> on data-samples/small, loaded and stitched as a user would: the periods add up
/// to the conversions table (counts per type, deal revenue) and the options filter and fail as documented.
/// </summary>
[Collection("Console")]
public sealed class TimelineReportTests : IClassFixture<TimelineReportTests.SmallLake>
{
    private readonly SmallLake _data;

    public TimelineReportTests(SmallLake data) => _data = data;

    public sealed class SmallLake : IDisposable
    {
        public SmallLake()
        {
            foreach (var (kind, file) in new[] { ("events", "events.ndjson"), ("contacts", "contacts.csv"), ("deals", "deals.csv"), ("spend", "spend.csv") })
                Check(CliRunner.RunAsync("load", kind, TestLake.Sample(Path.Combine("small", file)), "--lake", Lake.Layout.Root).GetAwaiter().GetResult());
            Check(CliRunner.RunAsync("stitch", "--lake", Lake.Layout.Root).GetAwaiter().GetResult());
        }

        private static void Check(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Error);

        public TestLake Lake { get; } = new();

        public void Dispose() => Lake.Dispose();
    }

    private async Task<List<JsonElement>> TimelineAsync(params string[] options)
    {
        var file = Path.Combine(_data.Lake.Root, Guid.NewGuid().ToString("N") + ".json");
        var result = await CliRunner.RunAsync(["report", "timeline", .. options, "--lake", _data.Lake.Layout.Root, "--format", "json", "--out", file]);
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Per conversion type in the lake's conversions table: count and revenue.</summary>
    private Dictionary<string, (long Count, double Revenue)> Table(string where = "true")
    {
        using var db = LakeDatabase.Open(_data.Lake.Layout);
        using var reader = db.ExecuteReader($"SELECT conversion_type, count(*), coalesce(sum(revenue), 0) FROM conversions WHERE {where} GROUP BY 1");
        var table = new Dictionary<string, (long, double)>();
        while (reader.Read())
            table[reader.GetString(0)] = (Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture));
        return table;
    }

    private static Dictionary<string, (long Count, double Revenue)> PerType(List<JsonElement> rows) =>
        rows.GroupBy(r => r.GetProperty("conversion_type").GetString()!)
            .ToDictionary(g => g.Key, g => (g.Sum(r => r.GetProperty("conversions").GetInt64()), g.Sum(r => r.GetProperty("revenue").GetDouble())));

    [Theory]
    [InlineData("day")]
    [InlineData("week")]
    [InlineData("month")]
    public async Task Every_period_adds_up_to_the_conversions_table(string interval)
    {
        var rows = await TimelineAsync("--interval", interval);
        var table = Table();
        Assert.True(table.ContainsKey("deal") && table["deal"].Revenue > 0, "the sample has no won deals");

        var shown = PerType(rows);
        Assert.Equal(table.Keys.Order(StringComparer.Ordinal), shown.Keys.Order(StringComparer.Ordinal));
        foreach (var (type, (count, revenue)) in table)
        {
            Assert.Equal(count, shown[type].Count);
            Assert.Equal(revenue, shown[type].Revenue, 2);
        }
        // Deal revenue is the won deals' amounts of the CRM file.
        var won = _data.Lake.Query($"SELECT sum(amount) FROM read_csv('{TestLake.Sample(Path.Combine("small", "deals.csv"))}') WHERE status = 'won'")[0][0];
        Assert.Equal(double.Parse(won!, CultureInfo.InvariantCulture), shown["deal"].Revenue, 2);

        // Periods are the start of the day, the Monday of the week or the first of the month, in order.
        var periods = rows.Select(r => DateOnly.ParseExact(r.GetProperty("period").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(periods.Order(), periods);
        Assert.All(periods, p => Assert.True(interval switch
        {
            "week" => p.DayOfWeek == DayOfWeek.Monday,
            "month" => p.Day == 1,
            _ => true,
        }, $"{interval} period {p}"));
        Assert.Equal(rows.Count, rows.Select(r => (r.GetProperty("period").GetString(), r.GetProperty("conversion_type").GetString())).Distinct().Count());
    }

    [Fact]
    public async Task Conversion_types_and_days_filter_the_rows()
    {
        var all = await TimelineAsync("--interval", "day");
        var days = all.Select(r => r.GetProperty("period").GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();
        var (from, to) = (days[days.Count / 4], days[days.Count / 2]);

        var rows = await TimelineAsync("--conversion", "lead,deal", "--from", from, "--to", to, "--interval", "day");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains(r.GetProperty("conversion_type").GetString(), new[] { "lead", "deal" }));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("period").GetString()!, from, to));
        var table = Table($"conversion_type IN ('lead', 'deal') AND \"timestamp\" >= DATE '{from}' AND \"timestamp\" < DATE '{to}' + INTERVAL 1 DAY");
        var shown = PerType(rows);
        foreach (var (type, (count, revenue)) in table)
        {
            Assert.Equal(count, shown[type].Count);
            Assert.Equal(revenue, shown[type].Revenue, 2);
        }
        // The same rows as the unfiltered daily report, cut to those days and types.
        Assert.Equal(
            all.Where(r => r.GetProperty("conversion_type").GetString() is "lead" or "deal" && string.CompareOrdinal(r.GetProperty("period").GetString(), from) >= 0 && string.CompareOrdinal(r.GetProperty("period").GetString(), to) <= 0).Select(r => r.ToString()),
            rows.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData("--interval", "year", "--interval 'year' is not day, week or month")]
    [InlineData("--conversion", "nope", "no conversions of type 'nope'")]
    [InlineData("--from", "2025-13-01", "--from '2025-13-01' is not a date")]
    public async Task Bad_options_are_clear_errors(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("report", "timeline", option, value, "--lake", _data.Lake.Layout.Root);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_after_to_is_an_error()
    {
        var result = await CliRunner.RunAsync("report", "timeline", "--from", "2025-06-02", "--to", "2025-06-01", "--lake", _data.Lake.Layout.Root);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--from 2025-06-02 is after --to 2025-06-01", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_the_options()
    {
        var result = await CliRunner.RunAsync("report", "timeline", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--interval", "--conversion", "--from", "--to", "--format", "--out" })
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
    }
}
