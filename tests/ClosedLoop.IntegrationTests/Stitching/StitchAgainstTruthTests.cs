using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake.Crm;
using ClosedLoop.Lake.Loading;
using ClosedLoop.Lake.Stitching;
using ClosedLoop.IntegrationTests.Synthetic;

namespace ClosedLoop.IntegrationTests.Stitching;

/// <summary>
/// Stitches a generated data set and compares the persons with the generator's ground truth
/// (<c>truth/identities.csv</c>, <c>truth/shared_devices.csv</c>). A device the person never identified on
/// cannot be linked by anyone, so recall is checked on what the events show: every cookie that carried the
/// person's email.
/// </summary>
public sealed class StitchAgainstTruthTests : IClassFixture<StitchAgainstTruthTests.StitchedDataSet>
{
    private readonly StitchedDataSet _data;

    public StitchAgainstTruthTests(StitchedDataSet data) => _data = data;

    public sealed class StitchedDataSet : IDisposable
    {
        public StitchedDataSet()
        {
            Generated = new GeneratedDataSet(60_000, 23);
            var loader = new EventLoader(Lake.Layout, new EventEnricher(new EnrichmentOptions()));
            loader.LoadAsync([Generated.PathOf("events.ndjson")]).GetAwaiter().GetResult();
            CrmLoader.LoadAsync(Lake.Layout, CrmTable.Contacts, Generated.PathOf("contacts.csv"), CancellationToken.None).GetAwaiter().GetResult();
            Summary = new IdentityStitcher(Lake.Layout, new StitchOptions()).Run();
            Truth = File.ReadLines(Generated.PathOf("truth/identities.csv")).Skip(1).Select(l => l.Split(','))
                .Select(f => (Person: f[0], Type: f[1], Id: f[2])).ToList();
            Shared = File.ReadLines(Generated.PathOf("truth/shared_devices.csv")).Skip(1).Select(l => l.Split(','))
                .Select(f => (Cookie: f[0], Before: f[1], After: f[2])).ToList();
            foreach (var row in LakeQueries.Rows(Lake.Layout, "select identifier_type, identifier, segment, person_id from identities"))
                Stitched.Add(((string)row["identifier_type"]!, (string)row["identifier"]!, row["segment"] as int? ?? 0), (string)row["person_id"]!);
        }

        public TestLake Lake { get; } = new();
        public GeneratedDataSet Generated { get; }
        public StitchSummary Summary { get; }
        public List<(string Person, string Type, string Id)> Truth { get; }
        public List<(string Cookie, string Before, string After)> Shared { get; }
        public Dictionary<(string Type, string Id, int Segment), string> Stitched { get; } = [];

        public void Dispose()
        {
            Lake.Dispose();
            Generated.Dispose();
        }
    }

    [Fact]
    public void Every_email_in_the_truth_is_its_own_person_with_exactly_its_user_id()
    {
        var truthEmails = _data.Truth.Where(t => t.Type == "email").ToList();
        Assert.NotEmpty(truthEmails);
        var persons = truthEmails.Select(t => _data.Stitched[("email", t.Id, 0)]).ToList();
        Assert.Equal(truthEmails.Count, persons.Distinct().Count());
        Assert.Equal(truthEmails.Count, _data.Summary.IdentifiedPersons);

        var personOfTruth = truthEmails.ToDictionary(t => t.Person, t => _data.Stitched[("email", t.Id, 0)]);
        foreach (var user in _data.Truth.Where(t => t.Type == "user_id"))
            Assert.Equal(personOfTruth[user.Person], _data.Stitched[("user_id", user.Id, 0)]);
    }

    [Fact]
    public void Every_cookie_that_carried_an_email_belongs_to_that_persons_stitched_person_and_no_other()
    {
        var truthPersonOfEmail = _data.Truth.Where(t => t.Type == "email").ToDictionary(t => t.Id, t => t.Person);
        var truthCookies = _data.Truth.Where(t => t.Type == "anonymous_id").ToLookup(t => t.Id, t => t.Person);
        var sharedCookies = _data.Shared.Select(s => s.Cookie).ToHashSet();
        var identifiedCookies = LakeQueries.Rows(_data.Lake.Layout,
            "select distinct anonymous_id, email from events where email is not null and anonymous_id is not null");
        Assert.NotEmpty(identifiedCookies);

        foreach (var row in identifiedCookies)
        {
            var cookie = (string)row["anonymous_id"]!;
            var email = (string)row["email"]!;
            Assert.Contains(truthPersonOfEmail[email], truthCookies[cookie]);
            if (sharedCookies.Contains(cookie))
                continue;
            Assert.Equal(_data.Stitched[("email", email, 0)], _data.Stitched[("anonymous_id", cookie, 0)]);
        }
    }

    [Fact]
    public void Shared_devices_go_to_the_first_person_before_the_switch_and_the_second_after()
    {
        Assert.NotEmpty(_data.Shared);
        Assert.Equal(_data.Shared.Count, _data.Summary.SplitCookies);
        foreach (var (cookie, before, after) in _data.Shared)
        {
            Assert.Equal(_data.Stitched[("email", before, 0)], _data.Stitched[("anonymous_id", cookie, 0)]);
            Assert.Equal(_data.Stitched[("email", after, 0)], _data.Stitched[("anonymous_id", cookie, 1)]);
        }
    }

    [Fact]
    public void No_stitched_person_holds_cookies_of_two_truth_persons_except_through_a_shared_device_segment()
    {
        var truthPersonsOfCookie = _data.Truth.Where(t => t.Type == "anonymous_id").ToLookup(t => t.Id, t => t.Person);
        var sharedCookies = _data.Shared.Select(s => s.Cookie).ToHashSet();
        var byStitched = _data.Stitched
            .Where(s => s.Key.Type == "anonymous_id" && !sharedCookies.Contains(s.Key.Id))
            .GroupBy(s => s.Value);
        foreach (var person in byStitched)
        {
            var truthPersons = person.Select(c => truthPersonsOfCookie[c.Key.Id].Single()).Distinct().ToList();
            Assert.Single(truthPersons);
        }
    }

    [Fact]
    public void Every_event_lands_in_exactly_one_session_and_every_person_with_events_has_a_touchpoint()
    {
        var events = LakeQueries.Count(_data.Lake.Layout, "select count(*) from events where type <> 'alias'");
        Assert.Equal(events, LakeQueries.Count(_data.Lake.Layout, "select sum(event_count)::BIGINT from sessions"));
        Assert.Equal(0, LakeQueries.Count(_data.Lake.Layout,
            "select count(*) from (select distinct person_id from sessions) s anti join touchpoints t using (person_id)"));
        Assert.Equal(0, LakeQueries.Count(_data.Lake.Layout, "select count(*) from sessions where started_at > ended_at"));
    }
}
