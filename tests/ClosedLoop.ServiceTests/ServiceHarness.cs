using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ClosedLoop.Lake;
using ClosedLoop.Service;
using ClosedLoop.TestSupport;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// A temporary lake and the real ingest server (Kestrel on 127.0.0.1, a free port) over it, with an
/// <see cref="HttpClient"/> that sends the write key. Deleted afterwards.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    public const string WriteKey = "test-key";

    public ServiceHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "closedloop-service-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Layout = new LakeLayout(Path.Combine(Root, "lake"));
    }

    public string Root { get; }
    public LakeLayout Layout { get; }
    public IngestServer? Server { get; private set; }
    public HttpClient Client { get; private set; } = new();

    public string WalDirectory => Path.Combine(Layout.Root, "_wal");

    /// <summary>Starts a server on this lake; the flush interval is long so that only stop (or replay) writes Parquet.</summary>
    public async Task<HttpClient> StartAsync(Func<IngestOptions, IngestOptions>? configure = null)
    {
        var options = new IngestOptions
        {
            LakeRoot = Layout.Root,
            Urls = ["http://127.0.0.1:0"],
            WriteKeys = [WriteKey],
            FlushInterval = TimeSpan.FromHours(1),
        };
        Server = await IngestServer.StartAsync(configure is null ? options : configure(options));
        Client.Dispose();
        Client = NewClient(WriteKey);
        return Client;
    }

    /// <summary>A client of the running server, with <paramref name="writeKey"/> as the Basic user name (none when null).</summary>
    public HttpClient NewClient(string? writeKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(Server!.Addresses[0]) };
        if (writeKey is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
        return client;
    }

    public async Task StopAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        Server = null;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A Segment track event with a fixed timestamp, so its day partition is known.</summary>
    public static string Track(string messageId, string anonymousId = "anon-1", string name = "Signed Up") =>
        "{\"type\":\"track\",\"event\":\"" + name + "\",\"messageId\":\"" + messageId + "\",\"anonymousId\":\"" + anonymousId
        + "\",\"timestamp\":\"2025-03-01T10:00:00Z\",\"context\":{\"page\":{\"url\":\"https://example.com/?utm_source=google&utm_medium=cpc\"}}}";

    public static string Batch(params string[] events) => $$"""{"batch":[{{string.Join(",", events)}}]}""";

    public bool HasEventFiles => Directory.Exists(Layout.Events) && Directory.EnumerateFiles(Layout.Events, "*.parquet", SearchOption.AllDirectories).Any();

    public string EventsGlob => Path.Combine(Layout.Events, "**", "*.parquet");
    public string RejectsGlob => Path.Combine(Layout.Rejects, "**", "*.parquet");

    /// <summary>Runs SQL in a bare DuckDB over the lake's files, as any other engine would read them.</summary>
    public static List<string?[]> Query(string sql) => BareDuckDb.Query(sql);

    public static long Scalar(string sql) => BareDuckDb.Scalar(sql);

    /// <summary>Rows in lake/events and distinct event ids among them.</summary>
    public (long Rows, long Distinct) EventCounts()
    {
        var row = Query($"select count(*), count(distinct event_id) from read_parquet('{EventsGlob}', hive_partitioning = true)")[0];
        return (long.Parse(row[0]!, CultureInfo.InvariantCulture), long.Parse(row[1]!, CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp directory is harmless
        }
    }
}
