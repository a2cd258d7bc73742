using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClosedLoop.Lake.Journeys;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.ServiceTests;

/// <summary><c>GET /v1/journey?email=E</c> over the stitched small sample: what <c>closedloop journey --format json</c> prints.</summary>
public sealed class JourneyApiTests : IAsyncLifetime
{
    private const string Token = "journey-secret";
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync()
    {
        await SampleLake.LoadAsync(_harness.Layout);
        await _harness.StartAsync(o => new() { LakeRoot = o.LakeRoot, Urls = o.Urls, WriteKeys = o.WriteKeys, FlushInterval = o.FlushInterval, ReadToken = Token });
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private HttpClient Reader()
    {
        var client = _harness.NewClient(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    [Fact]
    public async Task The_journey_is_the_cli_json()
    {
        string email, expected;
        using (var db = LakeDatabase.Open(_harness.Layout))
        {
            email = (string)db.ExecuteScalar("SELECT identifier FROM identities WHERE identifier_type = 'email' ORDER BY identifier LIMIT 1")!;
            using var buffer = new MemoryStream();
            await PersonJourneyQuery.WriteJsonAsync(db, PersonJourneyQuery.FindPerson(db, email), buffer);
            expected = Encoding.UTF8.GetString(buffer.ToArray());
        }
        using var client = Reader();
        // Any case and spacing, as the CLI takes it.
        using var answer = await client.GetAsync("/v1/journey?email=" + Uri.EscapeDataString("  " + email.ToUpperInvariant()));
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, body);
        using var document = JsonDocument.Parse(body);
        Assert.NotEmpty(document.RootElement.GetProperty("person_id").GetString()!);
        Assert.NotEqual(0, document.RootElement.GetProperty("identities").GetArrayLength());
    }

    [Theory]
    [InlineData("/v1/journey", "--email is required")]
    [InlineData("/v1/journey?email=not-an-email", "not a valid email")]
    [InlineData("/v1/journey?email=nobody%40example.org", "no events or contacts")]
    public async Task Bad_or_unknown_emails_get_400_with_the_cli_message(string path, string message)
    {
        using var client = Reader();
        using var answer = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(message, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_journey_needs_the_read_token()
    {
        using var anonymous = _harness.NewClient(null);
        using var answer = await anonymous.GetAsync("/v1/journey?email=a%40b.c");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
