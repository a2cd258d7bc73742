using ClosedLoop.Lake.Maintenance;

namespace ClosedLoop.IntegrationTests.Maintenance;

/// <summary><c>recompute</c>, compaction and <c>forget</c> on the committed small sample, through the CLI.</summary>
[Collection("Console")]
public sealed class MaintenanceTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private Task<CliRunner.Result> Run(params string[] args) => CliRunner.RunAsync([.. args, "--lake", _lake.Layout.Root]);

    private async Task LoadSampleAsync()
    {
        foreach (var (kind, file) in new[] { ("events", "small/events.ndjson"), ("contacts", "small/contacts.csv"), ("deals", "small/deals.csv"), ("spend", "small/spend.csv") })
            Assert.Equal(0, (await Run("load", kind, TestLake.Sample(file))).ExitCode);
    }

    private long Count(string sql) => LakeQueries.Count(_lake.Layout, sql);

    [Fact]
    public async Task Recompute_publishes_every_derived_table_as_one_new_version()
    {
        await LoadSampleAsync();

        var first = await Run("recompute");
        Assert.True(first.ExitCode == 0, first.Error);
        var version = File.ReadAllText(_lake.Layout.DerivedPointer).Trim();
        Assert.Contains($"published {version}", first.Out, StringComparison.Ordinal);
        Assert.Contains("step=\"stitch: sessions\"", first.Error, StringComparison.Ordinal);
        foreach (var table in new[] { "identities", "sessions", "touchpoints", "conversions", "credits" })
            Assert.True(Count($"select count(*) from {table}") > 0, table);
        var credits = Count("select count(*) from credits");

        var second = await Run("recompute", "--full");
        Assert.Equal(0, second.ExitCode);
        var next = File.ReadAllText(_lake.Layout.DerivedPointer).Trim();
        Assert.NotEqual(version, next);
        // The replaced version stays for readers that opened it; the result is the same.
        Assert.True(Directory.Exists(Path.Combine(_lake.Layout.Derived, version)));
        Assert.Equal(credits, Count("select count(*) from credits"));
    }

    [Fact]
    public async Task A_second_run_while_the_lake_is_locked_does_nothing_and_exits_3()
    {
        await LoadSampleAsync();

        using (RecomputeLock.Acquire(_lake.Layout))
        {
            var busy = await Run("recompute");
            Assert.Equal(3, busy.ExitCode);
            Assert.Contains("another recompute or erasure is running", busy.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(_lake.Layout.DerivedPointer));
        }
        Assert.Equal(0, (await Run("recompute")).ExitCode);
    }

    [Fact]
    public async Task A_run_that_fails_before_publishing_leaves_the_published_version_as_it_was()
    {
        await LoadSampleAsync();
        Assert.Equal(0, (await Run("recompute")).ExitCode);
        var version = File.ReadAllText(_lake.Layout.DerivedPointer).Trim();
        var sessions = Count("select count(*) from sessions");

        // A stitch that fails half-way (an unknown time zone is only found once it runs) must publish nothing.
        var failed = await Run("stitch", "--split-at-midnight", "--time-zone", "Nowhere/Land");
        Assert.Equal(1, failed.ExitCode);

        Assert.Equal(version, File.ReadAllText(_lake.Layout.DerivedPointer).Trim());
        Assert.Equal(sessions, Count("select count(*) from sessions"));
    }

    [Fact]
    public async Task Compaction_merges_a_partitions_files_and_keeps_every_event_once()
    {
        await LoadSampleAsync();
        var events = Count("select count(*) from events");
        // A crash between publishing a merged file and deleting its sources leaves the same rows twice.
        var partition = Directory.EnumerateDirectories(_lake.Layout.Events).Order(StringComparer.Ordinal).First();
        var file = Directory.GetFiles(partition, "*.parquet").Single();
        File.Copy(file, Path.Combine(partition, "events-leftover-copy.parquet"));
        Assert.True(Count("select count(*) from events") > events);

        var summary = EventCompactor.Run(_lake.Layout);

        Assert.Equal(1, summary.PartitionsCompacted);
        Assert.True(summary.DuplicatesRemoved > 0);
        Assert.Single(Directory.GetFiles(partition, "*.parquet"));
        Assert.Equal(events, Count("select count(*) from events"));
        Assert.Equal(events, Count("select count(distinct event_id) from events"));
    }

    [Fact]
    public async Task Forget_leaves_nothing_of_the_person_in_any_table_and_keeps_everyone_else()
    {
        await LoadSampleAsync();
        Assert.Equal(0, (await Run("recompute")).ExitCode);
        // The first person of the sample's shared cookie: the cookie's later segment belongs to someone else.
        var shared = File.ReadLines(TestLake.Sample("small/truth/shared_devices.csv")).Skip(1).First().Split(',');
        var (cookie, email, other) = (shared[0], shared[1], shared[2]);
        var person = (string)LakeQueries.Rows(_lake.Layout, $"select person_id from identities where identifier = '{email}'").Single()["person_id"]!;
        var otherEvents = Count($"select count(*) from events where email = '{other}'");
        var totalEvents = Count("select count(*) from events");

        var result = await Run("forget", "--email", email.ToUpperInvariant());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(0, Count($"select count(*) from events where email = '{email}'"));
        Assert.Equal(0, Count($"select count(*) from contacts where email = '{email}'"));
        Assert.Equal(0, Count($"select count(*) from deals where email = '{email}'"));
        foreach (var table in new[] { "identities", "sessions", "touchpoints", "conversions", "credits" })
            Assert.Equal(0, Count($"select count(*) from {table} where person_id = '{person}'"));
        Assert.Equal(0, Count($"select count(*) from identities where identifier = '{email}'"));
        Assert.Equal(0, Count($"select count(*) from rejects where contains(raw, '{email}')"));
        // The other person of the shared cookie keeps their events and their segment of it.
        Assert.Equal(otherEvents, Count($"select count(*) from events where email = '{other}'"));
        Assert.True(Count($"select count(*) from identities where identifier = '{cookie}'") >= 1);
        Assert.True(Count("select count(*) from events") < totalEvents);
        // Only the current version remains, and the audit names the person, not the email.
        Assert.Single(Directory.GetDirectories(_lake.Layout.Derived));
        var audit = File.ReadAllText(Path.Combine(_lake.Layout.Root, "_audit", "erasures.ndjson"));
        Assert.Contains(person, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(email, audit, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Retention_removes_event_days_older_than_the_setting()
    {
        await LoadSampleAsync();
        var days = Directory.GetDirectories(_lake.Layout.Events).Select(d => Path.GetFileName(d)["event_date=".Length..]).Order(StringComparer.Ordinal).ToList();
        var middle = DateOnly.ParseExact(days[days.Count / 2], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var now = middle.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(30);

        var summary = EventCompactor.ApplyRetention(_lake.Layout, TimeSpan.FromDays(30), now);

        Assert.Equal(days.Count / 2, summary.PartitionsRemoved);
        Assert.Equal(0, Count($"select count(*) from events where event_date < DATE '{middle:yyyy-MM-dd}'"));
        Assert.True(Count($"select count(*) from events where event_date = DATE '{middle:yyyy-MM-dd}'") > 0);
    }

    [Fact]
    public async Task Forget_an_unknown_email_says_so()
    {
        await LoadSampleAsync();
        Assert.Equal(0, (await Run("recompute")).ExitCode);

        var result = await Run("forget", "--email", "nobody@nowhere.example");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no events or contacts with email nobody@nowhere.example", result.Error, StringComparison.Ordinal);
    }
}
