namespace ClosedLoop.Service;

/// <summary>Settings of <c>closedloop serve</c>; the CLI fills them from its options and configuration.</summary>
public sealed class IngestOptions
{
    /// <summary>The default of <see cref="MaxBodyBytes"/>: Segment's own limit for a batch request.</summary>
    public const int DefaultMaxBodyBytes = 500 * 1024;

    /// <summary>The lake directory; the write-ahead log lives in its <c>_wal/</c> folder.</summary>
    public required string LakeRoot { get; init; }

    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:8080</c> (port 0 picks a free port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    /// <summary>Accepted write keys (HTTP Basic user names), one per source.</summary>
    public IReadOnlyList<string> WriteKeys { get; init; } = [];

    /// <summary>The read token of the read API (<c>GET /v1/attribution</c>, <c>/v1/reports/...</c>); without one that API answers 401.</summary>
    public string? ReadToken { get; init; }

    /// <summary>Requests with a larger body get 413.</summary>
    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>Requests to the CRM endpoints with a larger body get 413 (CRM exports are larger than event batches).</summary>
    public int MaxCrmBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>
    /// Bytes of write-ahead log not yet turned into Parquet above which requests get 503 with Retry-After,
    /// so that a stalled writer bounds disk and memory instead of growing without limit.
    /// </summary>
    public long MaxBacklogBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How often the background writer turns the log into Parquet files.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The background writer also starts as soon as this much log is waiting, before the interval is up: at a high
    /// rate, five seconds of events would come close to <see cref="MaxBacklogBytes"/> and turn into 503s.
    /// </summary>
    public long FlushAtBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>A log segment is sealed once it grows past this size, so one flush never holds too much.</summary>
    public long MaxSegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Whether stopping writes what the log holds to Parquet. Tests turn it off to simulate a crash after
    /// the fsync: the next start must then replay the log.
    /// </summary>
    internal bool FlushOnStop { get; init; } = true;

    /// <summary>Tests add endpoints here (a page that loads the tracker from the same origin).</summary>
    internal Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder>? MapExtraEndpoints { get; init; }
}
