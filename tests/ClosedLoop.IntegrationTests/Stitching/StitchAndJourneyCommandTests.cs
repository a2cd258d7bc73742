using System.Text.Json;

namespace ClosedLoop.IntegrationTests.Stitching;

/// <summary><c>closedloop stitch</c> and <c>closedloop journey</c> as a user runs them, on the committed small sample.</summary>
[Collection("Console")]
public sealed class StitchAndJourneyCommandTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private Task<CliRunner.Result> Run(params string[] args) => CliRunner.RunAsync([.. args, "--lake", _lake.Layout.Root]);

    private async Task LoadSampleAsync()
    {
        Assert.Equal(0, (await Run("load", "events", TestLake.Sample("small/events.ndjson"))).ExitCode);
        Assert.Equal(0, (await Run("load", "contacts", TestLake.Sample("small/contacts.csv"))).ExitCode);
    }

    private static string SharedDeviceSecondEmail() =>
        File.ReadLines(TestLake.Sample("small/truth/shared_devices.csv")).Skip(1).First().Split(',')[2];

    [Fact]
    public async Task Stitch_reports_what_it_built_and_the_views_answer()
    {
        await LoadSampleAsync();

        var result = await Run("stitch");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("29 with an email", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 shared cookies split", result.Out, StringComparison.Ordinal);
        Assert.Contains("stitch: sessions", result.Error, StringComparison.Ordinal);
        Assert.Equal(29, LakeQueries.Count(_lake.Layout, "select count(distinct person_id) from identities where identifier_type = 'email'"));
        Assert.True(LakeQueries.Count(_lake.Layout, "select count(*) from touchpoints") > 0);
    }

    [Fact]
    public async Task Journey_as_json_lists_identities_sessions_and_touchpoints_in_time_order()
    {
        await LoadSampleAsync();
        Assert.Equal(0, (await Run("stitch")).ExitCode);
        var email = SharedDeviceSecondEmail();

        var result = await Run("journey", "--email", "  " + email.ToUpperInvariant(), "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.StartsWith("p-", root.GetProperty("person_id").GetString(), StringComparison.Ordinal);
        var identities = root.GetProperty("identities").EnumerateArray().ToList();
        Assert.Contains(identities, i => i.GetProperty("identifier").GetString() == email);
        // The second person of a shared cookie holds its later segment only.
        Assert.Contains(identities, i => i.GetProperty("identifier_type").GetString() == "anonymous_id" && i.GetProperty("segment").GetInt32() == 1);
        var starts = root.GetProperty("touchpoints").EnumerateArray().Select(t => t.GetProperty("timestamp").GetString()!).ToList();
        Assert.NotEmpty(starts);
        Assert.Equal(starts.Order(StringComparer.Ordinal), starts);
        Assert.NotEmpty(root.GetProperty("sessions").EnumerateArray());
        // The second person of the shared cookie became a lead (the form on that cookie).
        Assert.Contains(root.GetProperty("conversions").EnumerateArray(), c => c.GetProperty("conversion_type").GetString() == "lead");
    }

    [Fact]
    public async Task Journey_as_tables_titles_each_section()
    {
        await LoadSampleAsync();
        Assert.Equal(0, (await Run("stitch")).ExitCode);

        var result = await Run("journey", "--email", SharedDeviceSecondEmail(), "--format", "table");

        Assert.Equal(0, result.ExitCode);
        foreach (var section in new[] { "identities", "sessions", "touchpoints", "conversions", "credits" })
            Assert.Contains("\n" + section + "\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journey_explains_an_unknown_an_invalid_and_a_not_yet_stitched_email()
    {
        await LoadSampleAsync();
        var email = SharedDeviceSecondEmail();

        var notStitched = await Run("journey", "--email", email);
        Assert.Equal(1, notStitched.ExitCode);
        Assert.Contains("run 'closedloop stitch' first", notStitched.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await Run("stitch")).ExitCode);
        var unknown = await Run("journey", "--email", "nobody@nowhere.example");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no events or contacts with email nobody@nowhere.example", unknown.Error, StringComparison.Ordinal);

        var invalid = await Run("journey", "--email", "not-an-email");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("'not-an-email' is not a valid email address", invalid.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", invalid.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--session-timeout", "soon", "'soon' is not a duration")]
    [InlineData("--time-zone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'")]
    [InlineData("--max-emails-per-cookie", "0", "max emails per cookie must be at least 1")]
    public async Task Stitch_rejects_bad_settings_with_a_clear_message(string option, string value, string message)
    {
        await LoadSampleAsync();

        var result = await Run("stitch", option, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_lake.Layout.Derived) && Directory.EnumerateFileSystemEntries(_lake.Layout.Derived).Any());
    }

    [Fact]
    public async Task Stitch_on_a_missing_lake_says_to_load_first()
    {
        var result = await CliRunner.RunAsync("stitch", "--lake", Path.Combine(_lake.Root, "nothing-here"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("load events first", result.Error, StringComparison.Ordinal);
    }
}
