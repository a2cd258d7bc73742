using System.Globalization;
using ClosedLoop.IntegrationTests.Stitching;
using ClosedLoop.Lake.Attribution;

namespace ClosedLoop.IntegrationTests.Attribution;

/// <summary>
/// Every rule-based model against credits worked out by hand, on journeys loaded and stitched for real.
/// Channels: Organic Search (google referrer), Paid Search (google/cpc), Paid Social (facebook/cpc),
/// Email (newsletter/email), Referral (a blog), Organic Social (linkedin referrer), Direct (nothing).
/// </summary>
public sealed class HeuristicModelTests : IClassFixture<HeuristicModelTests.Journeys>
{
    private const double Day = 24 * 60;
    private readonly Journeys _journeys;

    public HeuristicModelTests(Journeys journeys) => _journeys = journeys;

    public sealed class Journeys : IDisposable
    {
        private const string OrganicSearch = "https://www.google.com/", OrganicSocial = "https://www.linkedin.com/", Blog = "https://blog.example.org/post";
        private const string PaidSearch = "https://acme.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand";
        private const string PaidSocial = "https://acme.example/?utm_source=facebook&utm_medium=cpc&utm_campaign=retarget";
        private const string Email = "https://acme.example/?utm_source=newsletter&utm_medium=email&utm_campaign=march";
        private const string Home = "https://acme.example/";

        public JourneyScript Script { get; } = new();

        public Journeys()
        {
            var s = Script;
            // p1: one touch.
            s.Page("p1", 0, referrer: OrganicSearch).Form("p1", 5, "one@t.example");
            // p2: two touches.
            s.Page("p2", 0, PaidSearch).Page("p2", 2 * Day, Email).Form("p2", 2 * Day + 5, "two@t.example");
            // p3: three touches, the last one Direct.
            s.Page("p3", 0, referrer: OrganicSocial).Page("p3", 1 * Day, PaidSearch).Page("p3", 2 * Day, Home).Form("p3", 2 * Day + 5, "three@t.example");
            // p5: five touches; lead after the third, opportunity after the fourth, deal won after the fifth.
            s.Page("p5", 0, referrer: OrganicSearch).Page("p5", 1 * Day, PaidSocial).Page("p5", 3 * Day, Email).Form("p5", 3 * Day + 5, "five@t.example")
             .Page("p5", 5 * Day, referrer: Blog).Page("p5", 9 * Day, Home);
            // tie: two devices land at the same millisecond; event_id (ev-…, in script order) breaks the tie.
            s.Page("tie-a", 0, PaidSearch).Page("tie-b", 0, referrer: OrganicSocial)
             .Form("tie-a", 3, "tie@t.example").Identify("tie-b", 4, email: "tie@t.example");
            // repeat: the same channel twice, then Email.
            s.Page("rep", 0, PaidSearch).Page("rep", 1 * Day, PaidSearch).Page("rep", 2 * Day, Email).Form("rep", 2 * Day + 5, "repeat@t.example");
            // old: the only touch is 100 days before the lead.
            s.Page("old", 0, referrer: OrganicSearch).Form("old", 5, "old@t.example");
            // decay: touches 9, 6, 0 and 0 days before the lead (the last two on two devices at the lead's second).
            s.Page("dec-a", 0, referrer: OrganicSearch).Page("dec-a", 3 * Day, PaidSearch).Page("dec-a", 9 * Day, Email)
             .Page("dec-b", 9 * Day, referrer: Blog).Form("dec-a", 9 * Day + 1, "decay@t.example").Identify("dec-b", 9 * Day + 2, email: "decay@t.example");

            var contacts = string.Join("\n",
                "contact_id,email,lead_at,opportunity_at",
                $"1,one@t.example,{JourneyScript.At(10)},",
                $"2,two@t.example,{JourneyScript.At(2 * Day + 10)},",
                $"3,three@t.example,{JourneyScript.At(2 * Day + 10)},",
                $"5,five@t.example,{JourneyScript.At(3 * Day + 10)},{JourneyScript.At(5 * Day + 10)}",
                $"6,tie@t.example,{JourneyScript.At(10)},",
                $"7,repeat@t.example,{JourneyScript.At(2 * Day + 10)},",
                $"8,nobody-online@t.example,{JourneyScript.At(10)},",
                $"9,old@t.example,{JourneyScript.At(100 * Day)},",
                $"10,decay@t.example,{JourneyScript.At(9 * Day)},") + "\n";
            var deals = "deal_id,contact_id,email,closed_at,status,amount\n" +
                        $"D5,5,five@t.example,{JourneyScript.At(9 * Day + 60)},won,1000\n";
            Script.StitchAsync(contactsCsv: contacts, dealsCsv: deals).GetAwaiter().GetResult();
            foreach (var type in new[] { "lead", "opportunity", "deal" })
            {
                using var run = AttributionRun.Start(Script.Lake.Layout, new AttributionRequest { ConversionType = type, Models = AttributionModels.Heuristic });
            }
        }

        public void Dispose() => Script.Dispose();
    }

    /// <summary>Credit per channel for one conversion under one model.</summary>
    private Dictionary<string, double> Credits(string conversionId, string model) =>
        LakeQueries.Rows(_journeys.Script.Lake.Layout,
                $"select dimension_value, sum(credit) as credit from credits where conversion_id = '{conversionId}' and model = '{model}' and dimension = 'channel' group by 1")
            .ToDictionary(r => (string)r["dimension_value"]!, r => (double)r["credit"]!);

    private void AssertCredits(string conversionId, string model, params (string Channel, double Credit)[] expected)
    {
        var actual = Credits(conversionId, model);
        Assert.True(expected.Length == actual.Count,
            $"{conversionId} {model}: expected {string.Join(", ", expected.Select(e => e.Channel))}, got {string.Join(", ", actual.Select(a => $"{a.Key}={a.Value.ToString(CultureInfo.InvariantCulture)}"))}");
        foreach (var (channel, credit) in expected)
            Assert.True(actual.TryGetValue(channel, out var got) && Math.Abs(got - credit) < 1e-6, $"{conversionId} {model} {channel}: expected {credit}, got {(actual.TryGetValue(channel, out var g) ? g : double.NaN)}");
    }

    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    [InlineData("last_non_direct")]
    [InlineData("linear")]
    [InlineData("position")]
    [InlineData("w_shaped")]
    [InlineData("full_path")]
    [InlineData("time_decay")]
    [InlineData("j_shaped")]
    [InlineData("inverse_j")]
    [InlineData("participation")]
    public void One_touch_gets_everything_under_every_model(string model) =>
        AssertCredits("lead:1", model, ("Organic Search", 1));

    [Fact]
    public void Two_touches()
    {
        AssertCredits("lead:2", "first", ("Paid Search", 1));
        AssertCredits("lead:2", "last", ("Email", 1));
        AssertCredits("lead:2", "last_non_direct", ("Email", 1));
        AssertCredits("lead:2", "linear", ("Paid Search", 0.5), ("Email", 0.5));
        AssertCredits("lead:2", "position", ("Paid Search", 0.5), ("Email", 0.5));
        AssertCredits("lead:2", "j_shaped", ("Paid Search", 0.25), ("Email", 0.75));
        AssertCredits("lead:2", "inverse_j", ("Paid Search", 0.75), ("Email", 0.25));
        // W: first 0.3 and lead-creation (the 2nd) 0.3, nobody left for the 0.1: 0.3/0.6 each.
        AssertCredits("lead:2", "w_shaped", ("Paid Search", 0.5), ("Email", 0.5));
        // Full path: first 0.225; the 2nd creates the lead and closes: 0.45; over 0.675.
        AssertCredits("lead:2", "full_path", ("Paid Search", 0.225 / 0.675), ("Email", 0.45 / 0.675));
    }

    [Fact]
    public void Three_touches_ending_direct()
    {
        AssertCredits("lead:3", "first", ("Organic Social", 1));
        AssertCredits("lead:3", "last", ("Direct", 1));
        AssertCredits("lead:3", "last_non_direct", ("Paid Search", 1));
        AssertCredits("lead:3", "linear", ("Organic Social", 1 / 3.0), ("Paid Search", 1 / 3.0), ("Direct", 1 / 3.0));
        AssertCredits("lead:3", "position", ("Organic Social", 0.4), ("Paid Search", 0.2), ("Direct", 0.4));
        AssertCredits("lead:3", "j_shaped", ("Organic Social", 0.2), ("Paid Search", 0.2), ("Direct", 0.6));
        AssertCredits("lead:3", "inverse_j", ("Organic Social", 0.6), ("Paid Search", 0.2), ("Direct", 0.2));
        // W: first 0.3, lead-creation (3rd) 0.3, the middle 0.1; total 0.7.
        AssertCredits("lead:3", "w_shaped", ("Organic Social", 0.3 / 0.7), ("Paid Search", 0.1 / 0.7), ("Direct", 0.3 / 0.7));
        // Full path: first 0.225, the 3rd is lead-creation and closing 0.45, the middle 0.1; total 0.775.
        AssertCredits("lead:3", "full_path", ("Organic Social", 0.225 / 0.775), ("Paid Search", 0.1 / 0.775), ("Direct", 0.45 / 0.775));
        AssertCredits("lead:3", "participation", ("Organic Social", 1), ("Paid Search", 1), ("Direct", 1));
    }

    [Fact]
    public void Five_touches_to_a_won_deal_with_lead_and_opportunity_milestones()
    {
        const string Deal = "deal:D5";
        AssertCredits(Deal, "first", ("Organic Search", 1));
        AssertCredits(Deal, "last", ("Direct", 1));
        AssertCredits(Deal, "last_non_direct", ("Referral", 1));
        AssertCredits(Deal, "linear", ("Organic Search", 0.2), ("Paid Social", 0.2), ("Email", 0.2), ("Referral", 0.2), ("Direct", 0.2));
        AssertCredits(Deal, "position", ("Organic Search", 0.4), ("Paid Social", 0.2 / 3), ("Email", 0.2 / 3), ("Referral", 0.2 / 3), ("Direct", 0.4));
        // W: first (Organic Search), lead (Email, 3rd), opportunity (Referral, 4th) 0.3 each; Paid Social and Direct share 0.1.
        AssertCredits(Deal, "w_shaped", ("Organic Search", 0.3), ("Paid Social", 0.05), ("Email", 0.3), ("Referral", 0.3), ("Direct", 0.05));
        // Full path: first, lead, opportunity and closing (Direct) 0.225 each; Paid Social alone gets the 0.1.
        AssertCredits(Deal, "full_path", ("Organic Search", 0.225), ("Paid Social", 0.1), ("Email", 0.225), ("Referral", 0.225), ("Direct", 0.225));
        AssertCredits(Deal, "j_shaped", ("Organic Search", 0.2), ("Paid Social", 0.2 / 3), ("Email", 0.2 / 3), ("Referral", 0.2 / 3), ("Direct", 0.6));
        AssertCredits(Deal, "inverse_j", ("Organic Search", 0.6), ("Paid Social", 0.2 / 3), ("Email", 0.2 / 3), ("Referral", 0.2 / 3), ("Direct", 0.2));
        // The opportunity's path stops at the 4th touch: W gives first, lead (3rd), opportunity (4th) 0.3 and Paid Social 0.1.
        AssertCredits("opportunity:5", "w_shaped", ("Organic Search", 0.3), ("Paid Social", 0.1), ("Email", 0.3), ("Referral", 0.3));
        AssertCredits("lead:5", "last", ("Email", 1));
        var revenue = LakeQueries.Rows(_journeys.Script.Lake.Layout,
            $"select sum(revenue) as r from credits where conversion_id = '{Deal}' and model = 'w_shaped' and dimension_value = 'Email'").Single()["r"];
        Assert.Equal(300, (double)revenue!, 6);
    }

    [Fact]
    public void Ties_in_time_are_ordered_by_event_id()
    {
        // Both devices land at minute 0; the Paid Search page view was written first (smaller event_id).
        AssertCredits("lead:6", "first", ("Paid Search", 1));
        AssertCredits("lead:6", "last", ("Organic Social", 1));
    }

    [Fact]
    public void Repeated_channels_add_up_and_participate_once()
    {
        AssertCredits("lead:7", "linear", ("Paid Search", 2 / 3.0), ("Email", 1 / 3.0));
        AssertCredits("lead:7", "position", ("Paid Search", 0.6), ("Email", 0.4));
        AssertCredits("lead:7", "participation", ("Paid Search", 1), ("Email", 1));
    }

    [Theory]
    [InlineData("lead:8")]
    [InlineData("lead:9")]
    public void A_conversion_without_a_touch_in_its_window_goes_to_none(string conversion)
    {
        foreach (var model in AttributionModels.Heuristic)
            AssertCredits(conversion, model, ("(none)", 1));
    }

    [Fact]
    public void A_longer_lookback_reaches_the_old_touch()
    {
        using var run = AttributionRun.Start(_journeys.Script.Lake.Layout,
            new AttributionRequest { ConversionType = "lead", Models = ["first"], Dimension = "source", Lookback = TimeSpan.FromDays(120) });
        var rows = LakeQueries.Rows(_journeys.Script.Lake.Layout,
            "select dimension_value from credits where conversion_id = 'lead:9' and model = 'first' and dimension = 'source'");
        Assert.Equal("google", rows.Single()["dimension_value"]);
    }

    [Fact]
    public void Time_decay_worked_example_with_ages_9_6_0_and_0_days()
    {
        // Weights 2^(-age/7): 2^(-9/7) = 0.4101677, 2^(-6/7) = 0.5520448, 1, 1; sum 2.9622124.
        AssertCredits("lead:10", "time_decay",
            ("Organic Search", 0.4101677 / 2.9622124), ("Paid Search", 0.5520448 / 2.9622124), ("Email", 1 / 2.9622124), ("Referral", 1 / 2.9622124));
    }

    [Fact]
    public void Every_model_but_participation_gives_each_conversion_credits_summing_to_one()
    {
        var off = LakeQueries.Rows(_journeys.Script.Lake.Layout, """
            select conversion_id, model, dimension, sum(credit) as total from credits where model <> 'participation'
            group by all having abs(sum(credit) - 1) > 1e-9
            """);
        Assert.Empty(off);
        Assert.Equal(11, LakeQueries.Count(_journeys.Script.Lake.Layout, "select count(distinct model) from credits where conversion_type = 'deal'"));
    }
}
