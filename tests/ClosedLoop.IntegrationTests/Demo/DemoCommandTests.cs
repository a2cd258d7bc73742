using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClosedLoop.IntegrationTests.Demo;

[Collection("Console")]
public sealed partial class DemoCommandTests : IDisposable
{
    private readonly TestLake _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Json_report_reconciles_with_the_generated_crm_files()
    {
        var keep = Path.Combine(_scratch.Root, "demo");
        var result = await CliRunner.RunAsync("demo", "--events", "3000", "--seed", "7", "--keep", keep, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);

        // The expectations come from the generated CSV files, not from the lake the report reads.
        var (wonTotal, wonDeals) = WonDeals(Path.Combine(keep, "data", "deals.csv"));
        var leads = ContactsWithLeadAt(Path.Combine(keep, "data", "contacts.csv"));
        Assert.True(wonDeals > 0, "the data set should hold won deals");
        Assert.True(leads > 0, "the data set should hold leads");

        using var doc = JsonDocument.Parse(result.Out);
        var traffic = doc.RootElement.GetProperty("traffic").EnumerateArray().ToList();
        var funnel = doc.RootElement.GetProperty("funnel").EnumerateArray().ToList();
        var models = doc.RootElement.GetProperty("models").EnumerateArray().ToList();

        Assert.NotEmpty(traffic);
        var loaded = long.Parse(LoadedEvents().Match(result.Error).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(loaded, traffic.Sum(r => r.GetProperty("events").GetInt64()));

        var funnelTotal = Assert.Single(funnel, r => r.GetProperty("channel").GetString() == "total");
        Assert.Equal(leads, funnelTotal.GetProperty("leads").GetInt64());

        // Every model but participation credits all won revenue, per channel and in the total row.
        var total = Assert.Single(models, r => r.GetProperty("channel").GetString() == "total");
        Assert.Equal("total", models[^1].GetProperty("channel").GetString());
        var channels = models.Where(r => r.GetProperty("channel").GetString() != "total").ToList();
        foreach (var model in new[] { "first", "last", "linear", "position", "w_shaped", "time_decay", "markov", "shapley" })
        {
            Assert.Equal(wonTotal, total.GetProperty(model).GetDecimal());
            // Each channel's figure is rounded to cents, so their sum may be off by a cent per channel.
            Assert.InRange(Math.Abs(wonTotal - channels.Sum(r => r.GetProperty(model).GetDecimal())), 0m, 0.01m * channels.Count);
        }
        Assert.True(total.GetProperty("participation").GetDecimal() >= wonTotal);

        // --keep leaves a lake to explore, and says how.
        Assert.True(Directory.EnumerateFiles(Path.Combine(keep, "lake"), "*.parquet", SearchOption.AllDirectories).Any());
        Assert.Contains($"closedloop sql --lake {Path.Combine(keep, "lake")}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_report_has_titled_sections_and_the_temporary_directory_is_removed()
    {
        var result = await CliRunner.RunAsync("demo", "--events", "3000", "--format", "csv");
        Assert.True(result.ExitCode == 0, result.Error);

        var workDir = WorkingDirectory().Match(result.Error);
        Assert.True(workDir.Success, result.Error);
        Assert.False(Directory.Exists(workDir.Groups[1].Value), "the temporary directory should be deleted");

        // Step lines go to stderr so that stdout holds only the report.
        Assert.Contains("generated 3,000 event lines", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("generated", result.Out, StringComparison.Ordinal);

        var sections = Sections(result.Out);
        Assert.Equal(new[] { "traffic", "touchpoints", "funnel", "models" }, sections.Keys);
        Assert.Equal("channel,events,cookies", sections["traffic"][0]);
        Assert.Equal("channel,touchpoints,persons", sections["touchpoints"][0]);
        Assert.True(sections["touchpoints"].Count > 2, "the demo stitches, so touchpoints exist");
        Assert.StartsWith("channel,visitors,leads,mqls,sqls,opportunities,customers,", sections["funnel"][0], StringComparison.Ordinal);
        Assert.Equal("channel," + string.Join(',', ClosedLoop.Lake.Attribution.AttributionModels.All), sections["models"][0]);
        var total = sections["models"][^1].Split(',');
        Assert.Equal("total", total[0]);
        Assert.Equal(total[1], total[2]);
    }

    [Fact]
    public async Task Zero_events_is_bad_usage()
    {
        var result = await CliRunner.RunAsync("demo", "--events", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--events", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_refuses_a_lake_that_already_holds_data()
    {
        var keep = Path.Combine(_scratch.Root, "busy");
        Directory.CreateDirectory(Path.Combine(keep, "lake", "events"));
        var result = await CliRunner.RunAsync("demo", "--events", "100", "--keep", keep);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not empty", result.Error, StringComparison.Ordinal);
    }

    private static (decimal Total, int Count) WonDeals(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int status = Array.IndexOf(header, "status"), amount = Array.IndexOf(header, "amount");
        var won = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[status] == "won").ToList();
        return (won.Sum(f => decimal.Parse(f[amount], CultureInfo.InvariantCulture)), won.Count);
    }

    // lead_at comes before the free-text columns (company, job title), so a plain split reaches it safely.
    private static long ContactsWithLeadAt(string path)
    {
        var lines = File.ReadAllLines(path);
        var leadAt = Array.IndexOf(lines[0].Split(','), "lead_at");
        return lines.Skip(1).Count(l => l.Split(',')[leadAt].Length > 0);
    }

    /// <summary>The demo's CSV output: "# key: title" lines, each followed by a CSV table and a blank line.</summary>
    private static Dictionary<string, List<string>> Sections(string output)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in output.Split("\r\n"))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
                sections[line[2..line.IndexOf(':', StringComparison.Ordinal)]] = current = [];
            else if (line.Length > 0)
                current?.Add(line);
        }
        return sections;
    }

    [GeneratedRegex(@"loaded ([\d,]+) events")]
    private static partial Regex LoadedEvents();

    [GeneratedRegex(@"working in (\S+) \(deleted at the end\)")]
    private static partial Regex WorkingDirectory();
}
