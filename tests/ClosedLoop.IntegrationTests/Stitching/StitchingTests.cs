using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.IntegrationTests.Stitching;

/// <summary>SPEC section 4 case by case, each a small hand-written journey through the real loader and stitcher.</summary>
public sealed class StitchingTests : IDisposable
{
    private const string Google = "https://www.google.com/";
    private readonly JourneyScript _script = new();

    public void Dispose() => _script.Dispose();

    [Fact]
    public async Task Anonymous_history_before_the_first_form_belongs_to_the_person()
    {
        _script
            .Page("c1", 0, referrer: Google)
            .Page("c1", 3, "https://acme.example/pricing", "https://acme.example/")
            .Page("c1", 24 * 60, "https://acme.example/?utm_source=newsletter&utm_medium=email&utm_campaign=march")
            .Form("c1", 24 * 60 + 5, "ann@corp.example");

        await _script.StitchAsync();

        var ann = _script.PersonOfEmail("ann@corp.example");
        Assert.Equal([ann], _script.PersonsOfCookie("c1"));
        var sessions = _script.Sessions(ann);
        Assert.Equal(2, sessions.Count);
        Assert.Equal((0, 2L, "Organic Search", "google", null), sessions[0]);
        Assert.Equal((24 * 60, 2L, "Email", "newsletter", "march"), sessions[1]);
        Assert.Equal([0, 24 * 60], _script.TouchpointMinutes(ann));
    }

    [Fact]
    public async Task A_later_login_on_another_device_brings_that_device_history_along()
    {
        _script
            .Page("laptop", 0, referrer: Google)
            .Form("laptop", 2, "bob@corp.example")
            .Page("phone", 3 * 24 * 60, "https://acme.example/?utm_source=linkedin&utm_medium=paid_social")
            .Page("phone", 5 * 24 * 60, "https://acme.example/login")
            .Identify("phone", 5 * 24 * 60 + 1, email: "bob@corp.example", userId: "u-42");

        var summary = await _script.StitchAsync();

        var bob = _script.PersonOfEmail("bob@corp.example");
        Assert.Equal([bob], _script.PersonsOfCookie("laptop"));
        Assert.Equal([bob], _script.PersonsOfCookie("phone"));
        Assert.Equal([0, 3 * 24 * 60, 5 * 24 * 60], _script.TouchpointMinutes(bob));
        var userIds = LakeQueries.Rows(_script.Lake.Layout, "select person_id from identities where identifier_type = 'user_id' and identifier = 'u-42'");
        Assert.Equal(bob, userIds.Single()["person_id"]);
        Assert.Equal(1, summary.Persons);
    }

    [Fact]
    public async Task A_cleared_cookie_stays_anonymous_until_the_person_identifies_again()
    {
        _script
            .Page("old-cookie", 0, referrer: Google)
            .Form("old-cookie", 1, "cleo@corp.example")
            .Page("new-cookie", 2 * 24 * 60, referrer: Google)
            .Page("lost-cookie", 4 * 24 * 60, referrer: Google)
            .Page("new-cookie", 6 * 24 * 60, "https://acme.example/login")
            .Identify("new-cookie", 6 * 24 * 60 + 1, email: "cleo@corp.example");

        await _script.StitchAsync();

        var cleo = _script.PersonOfEmail("cleo@corp.example");
        Assert.Equal([cleo], _script.PersonsOfCookie("old-cookie"));
        Assert.Equal([cleo], _script.PersonsOfCookie("new-cookie"));
        var lost = Assert.Single(_script.PersonsOfCookie("lost-cookie"));
        Assert.NotEqual(cleo, lost);
        Assert.Single(_script.Sessions(lost));
    }

    [Fact]
    public async Task A_shared_device_splits_in_time_between_two_emails()
    {
        _script
            .Page("family-pc", 0, referrer: Google)
            .Form("family-pc", 4, "dan@corp.example")
            .Page("family-pc", 3 * 24 * 60, "https://acme.example/?utm_source=facebook&utm_medium=cpc&utm_campaign=spring")
            .Page("family-pc", 3 * 24 * 60 + 2, "https://acme.example/pricing", "https://acme.example/")
            .Form("family-pc", 3 * 24 * 60 + 6, "eve@home.example")
            .Page("family-pc", 4 * 24 * 60, referrer: Google);

        var summary = await _script.StitchAsync();

        var dan = _script.PersonOfEmail("dan@corp.example");
        var eve = _script.PersonOfEmail("eve@home.example");
        Assert.NotEqual(dan, eve);
        // Segment 0 (until Eve's identifying visit began) is Dan's; segment 1 (from it on) is Eve's.
        Assert.Equal([dan, eve], _script.PersonsOfCookie("family-pc"));
        Assert.Equal([0], _script.TouchpointMinutes(dan));
        Assert.Equal([3 * 24 * 60, 4 * 24 * 60], _script.TouchpointMinutes(eve));
        Assert.Equal("spring", _script.Sessions(eve)[0].Campaign);
        Assert.Equal(1, summary.SplitCookies);
        var emailsPerPerson = LakeQueries.Count(_script.Lake.Layout,
            "select max(n) from (select count(*) n from identities where identifier_type = 'email' group by person_id)");
        Assert.Equal(1, emailsPerPerson);
    }

    [Fact]
    public async Task A_cookie_with_more_emails_than_the_limit_links_nothing()
    {
        for (var i = 0; i < 6; i++)
            _script.Page("kiosk", i * 60, referrer: Google).Form("kiosk", i * 60 + 1, $"visitor{i}@expo.example");
        _script.Page("home", 2 * 24 * 60, "https://acme.example/login").Identify("home", 2 * 24 * 60 + 1, email: "visitor0@expo.example");

        var summary = await _script.StitchAsync(new StitchOptions { MaxEmailsPerCookie = 5 });

        var persons = Enumerable.Range(0, 6).Select(i => _script.PersonOfEmail($"visitor{i}@expo.example")).ToList();
        Assert.Equal(6, persons.Distinct().Count());
        var kiosk = Assert.Single(_script.PersonsOfCookie("kiosk"));
        Assert.DoesNotContain(kiosk, persons);
        Assert.Equal([persons[0]], _script.PersonsOfCookie("home"));
        Assert.Equal(1, summary.UnlinkableCookies);
        Assert.False((bool)LakeQueries.Rows(_script.Lake.Layout, "select linked from identities where identifier = 'kiosk'").Single()["linked"]!);
    }

    [Fact]
    public async Task Under_the_limit_the_same_kiosk_is_split_by_email_instead()
    {
        for (var i = 0; i < 6; i++)
            _script.Page("kiosk", i * 60, referrer: Google).Form("kiosk", i * 60 + 1, $"visitor{i}@expo.example");

        await _script.StitchAsync(new StitchOptions { MaxEmailsPerCookie = 6 });

        var persons = Enumerable.Range(0, 6).Select(i => _script.PersonOfEmail($"visitor{i}@expo.example")).ToList();
        Assert.Equal(persons, _script.PersonsOfCookie("kiosk"));
    }

    [Fact]
    public async Task Case_and_spacing_variants_of_an_email_are_one_person()
    {
        _script
            .Page("c1", 0, referrer: Google)
            .Form("c1", 1, "  Fay.Lee@Corp.Example ")
            .Page("c2", 24 * 60, referrer: Google)
            .Form("c2", 24 * 60 + 1, "fay.lee@corp.example");

        await _script.StitchAsync(contactsCsv: "contact_id,email,created_at\n77,FAY.LEE@corp.example,2026-03-02T09:01:00Z\n");

        var fay = _script.PersonOfEmail("fay.lee@corp.example");
        Assert.Equal([fay], _script.PersonsOfCookie("c1"));
        Assert.Equal([fay], _script.PersonsOfCookie("c2"));
        var contact = LakeQueries.Rows(_script.Lake.Layout, "select person_id from identities where identifier_type = 'contact_id' and identifier = '77'");
        Assert.Equal(fay, contact.Single()["person_id"]);
    }

    [Fact]
    public async Task Out_of_order_and_duplicate_lines_give_the_same_sessions_as_ordered_input()
    {
        _script
            .Page("c1", 0, referrer: Google)
            .Page("c1", 5, "https://acme.example/pricing", "https://acme.example/")
            .Page("c1", 10, "https://acme.example/demo", "https://acme.example/pricing")
            .Page("c1", 120, "https://acme.example/?utm_source=bing&utm_medium=cpc")
            .Form("c1", 125, "gus@corp.example")
            .RepeatLine(1)
            .RepeatLine(4);
        var shuffled = _script.Lines.Reverse().ToList();

        await _script.StitchAsync(order: shuffled);

        var gus = _script.PersonOfEmail("gus@corp.example");
        Assert.Equal([(0, 3L, "Organic Search", "google", null), (120, 2L, "Paid Search", "bing", null)],
            _script.Sessions(gus).Select(s => (s.Minute, s.Events, s.Channel, s.Source, s.Campaign)).ToList());
    }

    [Fact]
    public async Task A_new_campaign_mid_session_starts_a_new_session_and_internal_pages_do_not()
    {
        _script
            .Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand")
            .Page("c1", 2, "https://acme.example/pricing", "https://acme.example/")
            .Page("c1", 4, "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand")
            .Page("c1", 6, "https://acme.example/features?utm_source=google&utm_medium=cpc&utm_campaign=competitors")
            .Page("c1", 8, "https://acme.example/demo", "https://acme.example/features")
            .Form("c1", 9, "hal@corp.example");

        await _script.StitchAsync();

        var sessions = _script.Sessions(_script.PersonOfEmail("hal@corp.example"));
        Assert.Equal([(0, 3L, "brand"), (6, 3L, "competitors")], sessions.Select(s => (s.Minute, s.Events, s.Campaign)).ToList());
    }

    [Fact]
    public async Task A_return_from_the_payment_provider_continues_the_touchpoint()
    {
        _script
            .Page("c1", 0, "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand")
            .Page("c1", 3, "https://acme.example/checkout", "https://acme.example/")
            .Page("c1", 9, "https://acme.example/thanks", "https://www.paypal.com/checkoutnow")
            .Form("c1", 10, "ida@corp.example")
            // A second purchase: the buyer lingers at the bank for 50 minutes, past the session timeout.
            .Page("c1", 24 * 60, referrer: Google)
            .Page("c1", 24 * 60 + 2, "https://acme.example/checkout", "https://acme.example/")
            .Page("c1", 24 * 60 + 52, "https://acme.example/thanks", "https://checkout.stripe.com/pay");

        await _script.StitchAsync();

        var ida = _script.PersonOfEmail("ida@corp.example");
        var sessions = _script.Sessions(ida);
        Assert.Equal([0.0, 24 * 60, 24 * 60 + 52], sessions.Select(s => s.Minute).ToList());
        Assert.Equal(4, sessions[0].Events);
        // The stripe return opens a session but is no new marketing touch.
        Assert.Equal([0, 24 * 60], _script.TouchpointMinutes(ida));
    }

    [Fact]
    public async Task Alias_links_the_previous_anonymous_id_to_the_user()
    {
        _script
            .Page("web-cookie", 0, referrer: Google)
            .Alias("web-cookie", "u-7", 30)
            .Page("app-install", 2 * 24 * 60, userId: "u-7")
            .Identify("app-install", 2 * 24 * 60 + 1, email: "jo@corp.example", userId: "u-7");

        await _script.StitchAsync();

        var jo = _script.PersonOfEmail("jo@corp.example");
        Assert.Equal([jo], _script.PersonsOfCookie("web-cookie"));
        Assert.Equal([jo], _script.PersonsOfCookie("app-install"));
    }

    [Fact]
    public async Task Junk_user_ids_do_not_merge_strangers()
    {
        _script
            .Page("c1", 0, referrer: Google, userId: "undefined")
            .Form("c1", 1, "kim@corp.example", userId: "null")
            .Page("c2", 60, referrer: Google, userId: "undefined")
            .Form("c2", 61, "lou@corp.example", userId: "null");

        await _script.StitchAsync();

        Assert.NotEqual(_script.PersonOfEmail("kim@corp.example"), _script.PersonOfEmail("lou@corp.example"));
        Assert.Equal(0, LakeQueries.Count(_script.Lake.Layout, "select count(*) from identities where identifier_type = 'user_id'"));
    }

    [Fact]
    public async Task Session_timeout_and_midnight_split_are_configurable()
    {
        _script
            .Page("c1", 0, referrer: Google)
            .Page("c1", 45, "https://acme.example/pricing", "https://acme.example/")
            .Page("c1", 14 * 60 + 50, "https://acme.example/pricing", "https://acme.example/")
            .Page("c1", 15 * 60 + 10, "https://acme.example/demo", "https://acme.example/pricing")
            .Form("c1", 15 * 60 + 11, "max@corp.example");

        await _script.StitchAsync();
        var max = _script.PersonOfEmail("max@corp.example");
        Assert.Equal([0.0, 45, 14 * 60 + 50], _script.Sessions(max).Select(s => s.Minute).ToList());

        // 60-minute timeout: 0 and 45 are one session. Midnight in UTC falls between 14:50 and 15:10 after Start (09:00).
        new IdentityStitcher(_script.Lake.Layout, new StitchOptions { SessionTimeout = TimeSpan.FromMinutes(60), SplitAtMidnight = true }).Run();
        Assert.Equal([0.0, 14 * 60 + 50, 15 * 60 + 10], _script.Sessions(max).Select(s => s.Minute).ToList());

        // In New York (UTC-5 in March) midnight is elsewhere: no split between 14:50 and 15:10.
        new IdentityStitcher(_script.Lake.Layout, new StitchOptions { SessionTimeout = TimeSpan.FromMinutes(60), SplitAtMidnight = true, TimeZone = "America/New_York" }).Run();
        Assert.Equal([0.0, 14 * 60 + 50], _script.Sessions(max).Select(s => s.Minute).ToList());
    }

    [Fact]
    public async Task Stitching_twice_gives_the_same_person_ids()
    {
        _script.Page("c1", 0, referrer: Google).Form("c1", 1, "ned@corp.example").Page("c2", 10, referrer: Google);
        await _script.StitchAsync();
        var first = LakeQueries.Rows(_script.Lake.Layout, "select identifier, person_id from identities order by all");

        new IdentityStitcher(_script.Lake.Layout, new StitchOptions()).Run();

        Assert.Equal(
            first.Select(r => (r["identifier"], r["person_id"])),
            LakeQueries.Rows(_script.Lake.Layout, "select identifier, person_id from identities order by all").Select(r => (r["identifier"], r["person_id"])));
    }
}
