using System.Globalization;
using System.Text.RegularExpressions;
using ClosedLoop.IntegrationTests.Stitching;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Maintenance;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.IntegrationTests.Maintenance;

/// <summary>
/// Incremental <c>recompute</c>: after new data, the incremental run's tables must equal a full run's on a copy of the
/// same lake, row for row (EXCEPT ALL both ways over the two versions' Parquet files, in a bare DuckDB).
/// </summary>
[Collection("Console")]
public sealed partial class IncrementalRecomputeTests : IDisposable
{
    private static readonly string[] s_tables = ["identities", "sessions", "touchpoints", "conversions", "credits"];
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private static Task<CliRunner.Result> Run(LakeLayout lake, params string[] args) => CliRunner.RunAsync([.. args, "--lake", lake.Root]);

    private static async Task Ok(LakeLayout lake, params string[] args)
    {
        var result = await Run(lake, args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Error}");
    }

    [Fact]
    public async Task Incremental_runs_after_new_days_late_events_and_a_crm_update_equal_a_full_run()
    {
        var data = Path.Combine(_lake.Root, "generated");
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--out", data, "--events", "20000", "--seed", "7")).ExitCode);
        var lake = _lake.Layout;
        await Ok(lake, "load", "events", Path.Combine(data, "events.ndjson"));
        // Hold back what "arrives" later: the last three days' files, and a tenth of a day in the middle (late events,
        // so that partition gets a second file and compaction merges old and new rows).
        var held = Path.Combine(_lake.Root, "held");
        Directory.CreateDirectory(held);
        var days = Directory.GetDirectories(lake.Events).Order(StringComparer.Ordinal).ToList();
        var heldDays = days.TakeLast(3).Select(Path.GetFileName).ToList();
        foreach (var day in heldDays)
            Directory.Move(Path.Combine(lake.Events, day!), Path.Combine(held, day!));
        var middle = days[days.Count / 2];
        var file = Directory.GetFiles(middle, "*.parquet").Single();
        var late = Path.Combine(held, "late.parquet");
        _lake.Query($"COPY (SELECT * FROM read_parquet('{file}') WHERE hash(event_id) % 10 = 0) TO '{late}' (FORMAT parquet)");
        var kept = Path.Combine(middle, "events-kept.parquet");
        _lake.Query($"COPY (SELECT * FROM read_parquet('{file}') WHERE hash(event_id) % 10 <> 0) TO '{kept}' (FORMAT parquet)");
        File.Delete(file);
        // The CRM exports of the first night lack every 7th contact and every 5th deal.
        await Ok(lake, "load", "contacts", Subset(Path.Combine(data, "contacts.csv"), 7));
        await Ok(lake, "load", "deals", Subset(Path.Combine(data, "deals.csv"), 5));

        var first = await Run(lake, "recompute");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("full: no published version yet", first.Out, StringComparison.Ordinal);

        // Night two: two days, the late events and the full CRM exports.
        foreach (var day in heldDays.Take(2))
            Directory.Move(Path.Combine(held, day!), Path.Combine(lake.Events, day!));
        File.Move(late, Path.Combine(middle, "events-late.parquet"));
        await Ok(lake, "load", "contacts", Path.Combine(data, "contacts.csv"));
        await Ok(lake, "load", "deals", Path.Combine(data, "deals.csv"));
        var copy = CopyLake(lake, "full-copy");

        var incremental = await Run(lake, "recompute");
        var full = await Run(copy, "recompute", "--full");

        Assert.True(incremental.ExitCode == 0, incremental.Error);
        Assert.True(full.ExitCode == 0, full.Error);
        Assert.Contains("incremental: 3 new event files in 3 partitions", incremental.Out, StringComparison.Ordinal);
        Assert.Contains("compact events (1 partitions, 2 files into 1", incremental.Error, StringComparison.Ordinal);
        var (recomputed, persons) = RecomputedOf(incremental.Out);
        Assert.InRange(recomputed, 1, persons - 1);
        Assert.Contains("full: --full asked", full.Out, StringComparison.Ordinal);
        Assert.True(PersonDelta.Has(lake.CurrentDerived), "the incremental version keeps its person tables as base + delta");
        Assert.False(PersonDelta.Has(copy.CurrentDerived));
        AssertSameTables(lake, copy);

        // Night three builds on the state the incremental run left.
        Directory.Move(Path.Combine(held, heldDays[2]!), Path.Combine(lake.Events, heldDays[2]!));
        var copy3 = CopyLake(lake, "full-copy-3");
        var third = await Run(lake, "recompute");
        await Ok(copy3, "recompute", "--full");
        Assert.True(third.ExitCode == 0, third.Error);
        Assert.Contains("incremental: 1 new event files in 1 partitions, 0 changed CRM rows", third.Out, StringComparison.Ordinal);
        AssertSameTables(lake, copy3);
        // The views read the delta layout: the same rows as the full run's plain files.
        foreach (var table in new[] { "sessions", "touchpoints", "identities" })
        {
            Assert.Equal(LakeQueries.Count(copy3, $"select count(*) from {table}"), LakeQueries.Count(lake, $"select count(*) from {table}"));
            Assert.Equal(0, _lake.Scalar($"SELECT count(*) FROM (SELECT * FROM read_parquet('{Path.Combine(copy3.CurrentDerived, table, "*.parquet")}') EXCEPT ALL ({PersonDelta.TableSql(lake.CurrentDerived, table)}))"));
        }
    }

    [Fact]
    public async Task Deltas_over_deltas_and_a_fold_into_plain_tables_equal_full_runs()
    {
        var data = Path.Combine(_lake.Root, "generated");
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--out", data, "--events", "8000", "--days", "8", "--seed", "3")).ExitCode);
        var lake = _lake.Layout;
        await Ok(lake, "load", "events", Path.Combine(data, "events.ndjson"));
        await Ok(lake, "load", "contacts", Path.Combine(data, "contacts.csv"));
        await Ok(lake, "load", "deals", Path.Combine(data, "deals.csv"));
        var held = Path.Combine(_lake.Root, "held");
        Directory.CreateDirectory(held);
        var days = Directory.GetDirectories(lake.Events).Order(StringComparer.Ordinal).TakeLast(3).ToList();
        foreach (var day in days)
            Directory.Move(day, Path.Combine(held, Path.GetFileName(day)));
        await Ok(lake, "recompute");
        var firstBase = InputManifest.Load(lake.CurrentDerived)!.BaseFigures;
        Assert.NotNull(firstBase);
        Assert.Equal(LakeQueries.Count(lake, "select count(*) from sessions"), firstBase.Sessions);

        // Nights two and three leave deltas (the third over the second's: person tables, credits and saved paths), each
        // equal to a full run; night four, with no room for a delta, writes plain tables again.
        for (var night = 0; night < 2; night++)
        {
            Directory.Move(Path.Combine(held, Path.GetFileName(days[night])), days[night]);
            var nightCopy = CopyLake(lake, $"full-copy-{night}");
            if (night == 1)
            {
                // A manifest of an older release has no base figures: the run counts the base files instead.
                var manifest = InputManifest.Load(lake.CurrentDerived)!;
                Assert.NotNull(manifest.BaseFigures);
                manifest.BaseFigures = null;
                manifest.Save(lake.CurrentDerived);
            }
            var run = new Recompute(lake, new StitchOptions()) { DeltaFoldShare = 100 }.Run(_ => { });
            var fullRun = new Recompute(nightCopy, new StitchOptions()) { Full = true }.Run(_ => { });
            Assert.Equal("incremental", run.Mode);
            // The summary's figures are carried forward (base, less replaced persons, plus delta), not recounted.
            Assert.Equal(fullRun.Stitch!.Figures, run.Stitch!.Figures);
            Assert.Equal(fullRun.Stitch.Conversions, run.Stitch.Conversions);
            // The base files are the first run's, and so are the figures kept for them.
            Assert.Equal(firstBase, InputManifest.Load(lake.CurrentDerived)!.BaseFigures);
            Assert.True(PersonDelta.Has(lake.CurrentDerived));
            Assert.True(File.Exists(CreditsStore.ReplacedFile(CreditsStore.Directory(lake))), "the credits keep a delta too");
            Assert.True(Directory.Exists(Path.Combine(InputManifest.StateDirectory(lake.CurrentDerived), "paths_delta")), "the saved paths keep a delta too");
            AssertSameTables(lake, nightCopy);
        }

        // An attribute run replacing Markov for SQLs takes it out of the recompute's shaped rows: every other credit reads
        // as before, and each SQL is credited once per model.
        const string Others = "(conversion_type <> 'sql' OR model <> 'markov')";
        var before = SaveCredits(lake, Others);
        await Ok(lake, "attribute", "--conversion", "sql", "--model", "markov");
        var after = SaveCredits(lake, Others);
        Assert.Equal(0, _lake.Scalar($"SELECT count(*) FROM (SELECT * FROM '{before}' EXCEPT ALL SELECT * FROM '{after}')"));
        Assert.Equal(0, _lake.Scalar($"SELECT count(*) FROM (SELECT * FROM '{after}' EXCEPT ALL SELECT * FROM '{before}')"));
        Assert.Equal(AttributionModels.All.Count, LakeQueries.Count(lake, "select count(distinct model) from credits where conversion_type = 'sql'"));
        Assert.Equal(0, LakeQueries.Count(lake, """
            select count(*) from (select model, conversion_id from credits where conversion_type = 'sql' and model <> 'participation'
                                  group by all having abs(sum(credit) - 1) > 1e-9)
            """));
        var sqlFiles = Directory.GetFiles(CreditsStore.Directory(lake), "credits-sql-*.parquet");
        Assert.Equal(2, sqlFiles.Length);
        // The recompute's shaped file stays (Markov masked in it), beside the attribute run's plain one.
        Assert.Equal(1, LakeQueries.Count(lake, $"select count(*) from parquet_schema([{string.Join(", ", sqlFiles.Select(f => $"'{f}'"))}]) where name = 'value_set'"));
        Directory.Move(Path.Combine(held, Path.GetFileName(days[2])), days[2]);
        var copy = CopyLake(lake, "full-copy");
        var fourth = new Recompute(lake, new StitchOptions()) { DeltaFoldShare = 0 }.Run(_ => { });
        var fullFourth = new Recompute(copy, new StitchOptions()) { Full = true }.Run(_ => { });
        Assert.Equal(fullFourth.Stitch!.Figures, fourth.Stitch!.Figures);
        Assert.Equal(fourth.Stitch.Figures, InputManifest.Load(lake.CurrentDerived)!.BaseFigures);

        Assert.Equal("incremental", fourth.Mode);
        Assert.False(PersonDelta.Has(lake.CurrentDerived), "the fourth version should have plain person tables");
        Assert.False(Directory.Exists(Path.Combine(InputManifest.StateDirectory(lake.CurrentDerived), "paths_delta")));
        Assert.False(Directory.Exists(PersonDelta.Directory(lake.CurrentDerived)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(CreditsStore.DeltaFile(CreditsStore.Directory(lake)))));
        AssertSameTables(lake, copy);
    }

    [Fact]
    public async Task An_attribute_run_for_a_type_first_credited_in_a_delta_replaces_its_models_once_and_keeps_the_others()
    {
        // Night two brings the first form submission: its conversion type has credits in the delta only.
        using var script = new JourneyScript();
        script.Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc").Identify("c1", 1, email: "ann@corp.example")
            .Page("c2", 30, "https://acme.example/?utm_source=newsletter&utm_medium=email").Identify("c2", 31, email: "bob@corp.example");
        var firstNight = script.Lines.Count;
        script.Page("c2", 3 * 24 * 60, "https://acme.example/?utm_source=bing&utm_medium=cpc").Form("c2", 3 * 24 * 60 + 1, "bob@corp.example");
        await LoadNightsAsync(script, firstNight, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:05:00Z\nc-2,bob@corp.example,2026-03-02T09:35:00Z\n");
        var lake = _lake.Layout;
        Assert.Equal("incremental", new Recompute(lake, new StitchOptions()) { DeltaFoldShare = 100 }.Run(_ => { }).Mode);
        Assert.True(File.Exists(CreditsStore.DeltaFile(CreditsStore.Directory(lake))));
        Assert.Empty(Directory.GetFiles(CreditsStore.Directory(lake), "credits-event_form_submitted-*"));
        const string Form = "event:Form Submitted";
        long Models(string type) => LakeQueries.Count(lake, $"select count(distinct model) from credits where conversion_type = '{type}'");
        Assert.Equal(AttributionModels.All.Count, Models(Form));
        // A reader that opened the lake before the attribute runs keeps a working view.
        using var reader = LakeDatabase.Open(lake);
        var before = Convert.ToInt64(reader.ExecuteScalar("select count(*) from credits where model <> 'linear'"), System.Globalization.CultureInfo.InvariantCulture);

        await Ok(lake, "attribute", "--conversion", Form, "--model", "linear");
        await Ok(lake, "attribute", "--conversion", "lead", "--model", "linear");

        Assert.Equal(AttributionModels.All.Count, Models(Form));
        Assert.Equal(AttributionModels.All.Count, Models("lead"));
        Assert.Equal(0, LakeQueries.Count(lake, """
            select count(*) from (select conversion_type, model, conversion_id from credits where model <> 'participation'
                                  group by all having abs(sum(credit) - 1) > 1e-9)
            """));
        Assert.Equal(before, Convert.ToInt64(reader.ExecuteScalar("select count(*) from credits where model <> 'linear'"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_fold_share_of_zero_writes_plain_tables_even_when_nothing_is_recomputed_in_them()
    {
        using var script = new JourneyScript();
        script.Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc").Identify("c1", 1, email: "ann@corp.example");
        await LoadNightsAsync(script, script.Lines.Count, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:05:00Z\n");
        // A contact without events: the person tables get no rows.
        await Ok(_lake.Layout, "load", "contacts", _lake.WriteFile("contacts-2.csv",
            "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:05:00Z\nc-3,carl@corp.example,2026-03-02T10:05:00Z\n"));

        var run = new Recompute(_lake.Layout, new StitchOptions()) { DeltaFoldShare = 0 }.Run(_ => { });

        Assert.Equal("incremental", run.Mode);
        Assert.False(PersonDelta.Has(_lake.Layout.CurrentDerived));
        Assert.False(File.Exists(CreditsStore.DeltaFile(CreditsStore.Directory(_lake.Layout))));
    }

    /// <summary>The <c>credits</c> view's rows matching <paramref name="where"/>, credit to 9 decimals, in a Parquet file.</summary>
    private string SaveCredits(LakeLayout lake, string where)
    {
        var file = Path.Combine(_lake.Root, $"credits-{Guid.NewGuid():N}.parquet");
        using var db = LakeDatabase.Open(lake);
        db.CopyToParquet($"SELECT * EXCLUDE (credit, revenue), round(credit, 9) AS credit FROM credits WHERE {where}", file);
        return file;
    }

    [Fact]
    public async Task A_later_login_on_a_new_device_merges_two_previous_persons_as_a_full_run_does()
    {
        using var script = new JourneyScript();
        script.Page("laptop", 0, "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand")
            .Identify("laptop", 2, userId: "u-7")
            .Form("laptop", 3, "ann@corp.example")
            .Page("phone", 60, "https://acme.example/?utm_source=linkedin&utm_medium=paid_social")
            .Page("phone", 62, "https://acme.example/pricing")
            .Page("other", 90, "https://acme.example/?utm_source=newsletter&utm_medium=email")
            .Form("other", 91, "bob@corp.example")
            .Page("tablet", 120, "https://acme.example/?utm_source=bing&utm_medium=cpc");
        var firstNight = script.Lines.Count;
        // The phone logs in; the tablet's cookie is aliased to the same user id.
        script.Page("phone", 3 * 24 * 60, "https://acme.example/login").Identify("phone", 3 * 24 * 60 + 1, userId: "u-7")
            .Alias("tablet", "u-7", 3 * 24 * 60 + 5);
        await LoadNightsAsync(script, firstNight, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:05:00Z\nc-2,bob@corp.example,2026-03-02T10:35:00Z\n");
        var copy = CopyLake(_lake.Layout, "full-copy");
        var before = PersonsOfCookie(_lake.Layout, "phone").Single();
        Assert.NotEqual(before, PersonOfEmail(_lake.Layout, "ann@corp.example"));

        var summary = new Recompute(_lake.Layout, new StitchOptions()).Run(_ => { });
        await Ok(copy, "recompute", "--full");

        Assert.Equal("incremental", summary.Mode);
        // Ann's three devices are one person now; Bob was not recomputed.
        Assert.Equal(PersonOfEmail(_lake.Layout, "ann@corp.example"), PersonsOfCookie(_lake.Layout, "phone").Single());
        Assert.Equal(PersonOfEmail(_lake.Layout, "ann@corp.example"), PersonsOfCookie(_lake.Layout, "tablet").Single());
        Assert.True(summary.Scope!.RecomputedPersons < summary.Stitch!.Persons, $"{summary.Scope.RecomputedPersons} of {summary.Stitch.Persons}");
        Assert.Equal(3, summary.Scope.PreviousPersons);
        AssertSameTables(_lake.Layout, copy);
    }

    [Fact]
    public async Task A_new_email_on_a_shared_cookie_splits_its_person_as_a_full_run_does()
    {
        using var script = new JourneyScript();
        script.Page("family-pc", 0, "https://acme.example/?utm_source=facebook&utm_medium=cpc&utm_campaign=spring")
            .Form("family-pc", 2, "ann@corp.example")
            .Page("family-pc", 24 * 60, "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand")
            .Page("elsewhere", 30, "https://acme.example/?utm_source=newsletter&utm_medium=email")
            .Form("elsewhere", 35, "cleo@corp.example");
        var firstNight = script.Lines.Count;
        script.Page("family-pc", 3 * 24 * 60, "https://acme.example/?utm_source=bing&utm_medium=cpc")
            .Form("family-pc", 3 * 24 * 60 + 1, "bob@corp.example");
        await LoadNightsAsync(script, firstNight, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:02:00Z\n");
        // A report run in between replaces published credits files with other figures (a 1-minute lookback).
        await Ok(_lake.Layout, "attribute", "--conversion", "all", "--model", "linear,markov", "--lookback", "1m");
        var copy = CopyLake(_lake.Layout, "full-copy");
        Assert.Single(PersonsOfCookie(_lake.Layout, "family-pc"));

        var result = await Run(_lake.Layout, "recompute");
        await Ok(copy, "recompute", "--full");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("incremental:", result.Out, StringComparison.Ordinal);
        var segments = PersonsOfCookie(_lake.Layout, "family-pc");
        Assert.Equal([PersonOfEmail(_lake.Layout, "ann@corp.example"), PersonOfEmail(_lake.Layout, "bob@corp.example")], segments);
        AssertSameTables(_lake.Layout, copy);
    }

    [Fact]
    public async Task New_events_of_a_visitor_seen_on_a_cookie_over_the_email_limit_give_what_a_full_run_gives()
    {
        // A kiosk cookie with six emails links nobody, yet its events carry six persons' emails and sessions.
        using var script = new JourneyScript();
        for (var i = 0; i < 6; i++)
            script.Page("kiosk", i * 60, "https://acme.example/?utm_source=expo&utm_medium=event").Form("kiosk", i * 60 + 1, $"visitor{i}@expo.example");
        script.Page("home", 10 * 60, "https://acme.example/?utm_source=google&utm_medium=cpc").Form("home", 10 * 60 + 1, "visitor3@expo.example");
        var firstNight = script.Lines.Count;
        script.Page("home", 2 * 24 * 60, "https://acme.example/login").Identify("home", 2 * 24 * 60 + 1, email: "visitor0@expo.example")
            .Page("kiosk", 2 * 24 * 60 + 30, "https://acme.example/?utm_source=expo&utm_medium=event");
        await LoadNightsAsync(script, firstNight, "contact_id,email,lead_at\nc-1,visitor0@expo.example,2026-03-02T09:01:00Z\n");
        var copy = CopyLake(_lake.Layout, "full-copy");

        var summary = new Recompute(_lake.Layout, new StitchOptions()).Run(_ => { });
        await Ok(copy, "recompute", "--full");

        Assert.Equal("incremental", summary.Mode);
        Assert.Equal(1, summary.Stitch!.UnlinkableCookies);
        AssertSameTables(_lake.Layout, copy);
    }

    [Fact]
    public async Task A_crm_update_without_new_events_recomputes_its_persons_as_a_full_run_does()
    {
        using var script = new JourneyScript();
        script.Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc").Form("c1", 1, "ann@corp.example")
            .Page("c2", 30, "https://acme.example/?utm_source=newsletter&utm_medium=email").Form("c2", 31, "bob@corp.example");
        // c-3 has no email, so no person: its lead is credited anew by every run.
        await LoadNightsAsync(script, script.Lines.Count, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:01:00Z\nc-3,,2026-03-06T09:00:00Z\n");
        // The next export: Ann reached MQL and opportunity, Bob became a contact, and a deal names an email no event carries.
        await Ok(_lake.Layout, "load", "contacts", _lake.WriteFile("contacts-2.csv",
            "contact_id,email,lead_at,mql_at,opportunity_at\nc-1,ann@corp.example,2026-03-02T09:01:00Z,2026-03-03T09:00:00Z,2026-03-04T09:00:00Z\n" +
            "c-2,bob@corp.example,2026-03-02T09:31:00Z,,\nc-3,,2026-03-06T09:00:00Z,,\n"));
        await Ok(_lake.Layout, "load", "deals", _lake.WriteFile("deals.csv",
            "deal_id,contact_id,email,closed_at,status,amount,currency\nd-1,c-1,,2026-03-05T09:00:00Z,won,1200,USD\nd-2,,nobody@else.example,2026-03-05T10:00:00Z,won,300,USD\n"));
        var copy = CopyLake(_lake.Layout, "full-copy");

        // A fold share past any delta keeps base + delta layouts on this small lake.
        var result = new Recompute(_lake.Layout, new StitchOptions()) { DeltaFoldShare = 100 }.Run(_ => { });
        await Ok(copy, "recompute", "--full");

        Assert.Equal("incremental", result.Mode);
        Assert.StartsWith("0 new event files in 0 partitions, 4 changed CRM rows", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, LakeQueries.Count(_lake.Layout, "select count(*) from conversions where deal_id = 'd-2' and person_id is null"));
        AssertSameTables(_lake.Layout, copy);

        // A third export over that delta: the deal without a person changes. Conversions are base + delta too; their rows
        // without a person are replaced by email, or all of them when they have none (c-3's lead), so neither the base's
        // nor the earlier delta's copies are read next to the new ones.
        Assert.True(File.Exists(PersonDelta.DeltaFile(_lake.Layout.CurrentDerived, "conversions")), "conversions keep a delta");
        await Ok(_lake.Layout, "load", "contacts", _lake.WriteFile("contacts-3.csv",
            "contact_id,email,lead_at,mql_at,opportunity_at\nc-1,ann@corp.example,2026-03-02T09:01:00Z,2026-03-03T09:00:00Z,2026-03-04T09:00:00Z\n" +
            "c-2,bob@corp.example,2026-03-02T09:31:00Z,,\nc-3,,2026-03-06T09:00:00Z,,\n"));
        await Ok(_lake.Layout, "load", "deals", _lake.WriteFile("deals-3.csv",
            "deal_id,contact_id,email,closed_at,status,amount,currency\nd-1,c-1,,2026-03-05T09:00:00Z,won,1200,USD\nd-2,,nobody@else.example,2026-03-05T10:00:00Z,won,350,USD\n"));
        var copy3 = CopyLake(_lake.Layout, "full-copy-3");
        var third = new Recompute(_lake.Layout, new StitchOptions()) { DeltaFoldShare = 100 }.Run(_ => { });
        await Ok(copy3, "recompute", "--full");

        Assert.Equal("incremental", third.Mode);
        Assert.True(PersonDelta.Has(_lake.Layout.CurrentDerived), "the third version keeps a delta over the second's");
        Assert.Equal(350, LakeQueries.Count(_lake.Layout, "select cast(sum(revenue) as bigint) from conversions where deal_id = 'd-2'"));
        Assert.Equal(1, LakeQueries.Count(_lake.Layout, "select count(*) from conversions where person_id is null and email is null"));
        AssertSameTables(_lake.Layout, copy3);
    }

    [Fact]
    public async Task A_run_with_nothing_new_publishes_nothing_and_says_up_to_date()
    {
        using var script = new JourneyScript();
        script.Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc").Form("c1", 1, "ann@corp.example");
        await LoadNightsAsync(script, script.Lines.Count, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:01:00Z\n");
        var version = File.ReadAllText(_lake.Layout.DerivedPointer).Trim();

        var again = await Run(_lake.Layout, "recompute");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains($"up to date, nothing loaded since {version}", again.Out, StringComparison.Ordinal);
        Assert.Equal(version, File.ReadAllText(_lake.Layout.DerivedPointer).Trim());
        // A stitch publishes a version without the recompute's manifest: the next run cannot extend it.
        await Ok(_lake.Layout, "stitch");
        var after = await Run(_lake.Layout, "recompute");
        Assert.Contains("full: the published version has no input manifest", after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_files_changed_outside_a_recompute_make_the_next_run_full()
    {
        using var script = new JourneyScript();
        script.Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc").Form("c1", 1, "ann@corp.example");
        var firstNight = script.Lines.Count;
        script.Page("c2", 60, "https://acme.example/?utm_source=bing&utm_medium=cpc");
        await LoadNightsAsync(script, firstNight, "contact_id,email,lead_at\nc-1,ann@corp.example,2026-03-02T09:01:00Z\n");
        // As a run killed after its compaction leaves it: the file the published version read is merged away.
        Assert.Equal(1, EventCompactor.Run(_lake.Layout).PartitionsCompacted);

        var result = await Run(_lake.Layout, "recompute");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("full: event files of event_date=2026-03-02 changed outside recompute", result.Out, StringComparison.Ordinal);
        Assert.Equal(1, LakeQueries.Count(_lake.Layout, "select count(*) from sessions where anonymous_id = 'c2'"));
    }

    /// <summary>Loads the script's first <paramref name="firstNight"/> lines and the contacts, recomputes, then loads the rest.</summary>
    private async Task LoadNightsAsync(JourneyScript script, int firstNight, string contacts)
    {
        var lake = _lake.Layout;
        await Ok(lake, "load", "events", _lake.WriteFile("night1.ndjson", string.Join('\n', script.Lines.Take(firstNight)) + "\n"));
        await Ok(lake, "load", "contacts", _lake.WriteFile("contacts.csv", contacts));
        await Ok(lake, "recompute");
        if (script.Lines.Count > firstNight)
            await Ok(lake, "load", "events", _lake.WriteFile("night2.ndjson", string.Join('\n', script.Lines.Skip(firstNight)) + "\n"));
    }

    /// <summary>Every row of every derived table is in both versions as often (credits compared to 9 decimals).</summary>
    private void AssertSameTables(LakeLayout incremental, LakeLayout full)
    {
        // A credits directory holds base files, a delta and data-driven weights (CreditsStore): each version's wide rows,
        // zero credits included, are written out as they read, then compared as (touch, model, credit) rows.
        var wide = new Dictionary<LakeLayout, string>();
        foreach (var lake in new[] { incremental, full })
        {
            wide[lake] = Path.Combine(_lake.Root, $"credits-{Guid.NewGuid():N}.parquet");
            using var db = LakeDatabase.Open(lake);
            db.CopyToParquet(CreditsStore.WideSql(db, CreditsStore.Directory(lake)), wide[lake]);
        }
        foreach (var table in s_tables)
        {
            string Rows(LakeLayout lake)
            {
                // Person tables of an incremental version are base files plus a delta (PersonDelta).
                if (table != "credits")
                    return PersonDelta.TableSql(lake.CurrentDerived, table);
                // Credits are sums of doubles whose order differs between the two runs; every other column is exact.
                var touch = string.Join(", ", CreditsStore.TouchColumns.Select(c => c.Name));
                return $"""
                    SELECT * EXCLUDE (credit), round(credit, 9) AS credit
                    FROM (UNPIVOT (SELECT * FROM read_parquet('{wide[lake]}')) ON COLUMNS(* EXCLUDE ({touch}))
                          INTO NAME model VALUE credit)
                    """;
            }
            AssertSameRows(table, Rows(incremental), Rows(full));
        }
        // The data-driven solvers' saved paths and path counts (an incremental run adjusts the counts by the persons it
        // replaced and recomputed instead of counting every path again) must be a full run's too.
        // The saved paths are read as the next run reads them (base plus paths_delta); the counts are whole files.
        foreach (var state in new[] { "person_paths", "conversion_paths" })
            AssertSameRows(state, SavedState(incremental, state, merged: true), SavedState(full, state, merged: true));
        foreach (var state in new[] { "path_persons", "path_adjustments" })
            AssertSameRows(state, SavedState(incremental, state, merged: false), SavedState(full, state, merged: false));
        // The base figures a run carries forward in its manifest (never recounted by an incremental run) still count the
        // base files, so a break of the scope invariant cannot pass on silently from night to night.
        foreach (var lake in new[] { incremental, full })
        {
            var carried = InputManifest.Load(lake.CurrentDerived)?.BaseFigures;
            if (carried is null)
                continue;
            using var db = LakeDatabase.Open(lake);
            Assert.Equal(TableFigures.Read(db, t => PersonDelta.BaseSql(lake.CurrentDerived, t)), carried);
        }
    }

    /// <summary>Asserts that <paramref name="fullSql"/> has rows and that both queries hold the same rows as often.</summary>
    private void AssertSameRows(string name, string incrementalSql, string fullSql)
    {
        Assert.True(_lake.Scalar($"SELECT count(*) FROM ({fullSql})") > 0, $"{name} is empty");
        Assert.True(0 == _lake.Scalar($"SELECT count(*) FROM (SELECT * FROM ({incrementalSql}) EXCEPT ALL SELECT * FROM ({fullSql}))"), $"{name}: rows only in the incremental run");
        Assert.True(0 == _lake.Scalar($"SELECT count(*) FROM (SELECT * FROM ({fullSql}) EXCEPT ALL SELECT * FROM ({incrementalSql}))"), $"{name}: rows only in the full run");
    }

    private static string SavedState(LakeLayout lake, string name, bool merged)
    {
        var state = InputManifest.StateDirectory(lake.CurrentDerived);
        return merged ? DataDrivenWeights.SavedPathsSql(state, name) : $"SELECT * FROM read_parquet('{Path.Combine(state, name + ".parquet")}')";
    }

    private LakeLayout CopyLake(LakeLayout lake, string name)
    {
        var target = Path.Combine(_lake.Root, name);
        foreach (var file in Directory.GetFiles(lake.Root, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(lake.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return new LakeLayout(target);
    }

    /// <summary>A CSV without every <paramref name="nth"/> data line.</summary>
    private string Subset(string csv, int nth)
    {
        var lines = File.ReadAllLines(csv);
        return _lake.WriteFile(Path.GetFileNameWithoutExtension(csv) + "-first.csv",
            string.Join('\n', lines.Where((_, i) => i == 0 || i % nth != 0)) + "\n");
    }

    private static (long Recomputed, long Persons) RecomputedOf(string output)
    {
        var match = RecomputedPattern().Match(output);
        Assert.True(match.Success, output);
        return (long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            long.Parse(match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"([\d,]+) persons of ([\d,]+) recomputed")]
    private static partial Regex RecomputedPattern();

    private static string PersonOfEmail(LakeLayout lake, string email) =>
        (string)LakeQueries.Rows(lake, $"select person_id from identities where identifier_type = 'email' and identifier = '{email}'").Single()["person_id"]!;

    private static List<string> PersonsOfCookie(LakeLayout lake, string cookie) =>
        LakeQueries.Rows(lake, $"select person_id from identities where identifier_type = 'anonymous_id' and identifier = '{cookie}' order by segment")
            .Select(r => (string)r["person_id"]!).ToList();
}
