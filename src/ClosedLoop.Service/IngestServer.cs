using ClosedLoop.Core;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Lake;
using ClosedLoop.Service.Wal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClosedLoop.Service;

/// <summary>
/// The running ingest service: Kestrel with the endpoints, the write-ahead log with its group committer, and the
/// background flusher. Start replays whatever log an earlier run left before it listens; stop lets Kestrel
/// finish the requests in flight, commits what they appended, and (normally) flushes the log into Parquet.
/// </summary>
public sealed class IngestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WriteAheadLog _log;
    private readonly GroupCommitter _committer;
    private readonly WalFlusher _flusher;
    private readonly CancellationTokenSource _stopFlusher = new();
    private readonly Task _flusherLoop;
    private readonly bool _flushOnStop;
    private bool _stopped;

    private IngestServer(WebApplication app, WriteAheadLog log, GroupCommitter committer, WalFlusher flusher, Task flusherLoop, CancellationTokenSource stopFlusher, bool flushOnStop, IngestMetrics metrics)
    {
        _app = app;
        _log = log;
        _committer = committer;
        _flusher = flusher;
        _flusherLoop = flusherLoop;
        _stopFlusher = stopFlusher;
        _flushOnStop = flushOnStop;
        Metrics = metrics;
    }

    public IngestMetrics Metrics { get; }

    /// <summary>The addresses Kestrel is bound to (with the real port when port 0 was asked for).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>Triggered when the host is asked to stop (Ctrl-C, SIGTERM).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Replays the log left by an earlier run into the lake, then starts listening.</summary>
    public static async Task<IngestServer> StartAsync(IngestOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        options = WithConfiguration(options, builder.Configuration);
        var auth = new WriteKeyAuthentication(options.WriteKeys);
        if (!auth.HasKeys)
            throw new UserInputException("no write key: pass --write-key KEY or set ClosedLoop:WriteKeys in appsettings.json or the environment (ClosedLoop__WriteKeys__0=KEY)");

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, options.MaxCrmBodyBytes) + 1L);

        var lake = new LakeLayout(options.LakeRoot);
        Directory.CreateDirectory(lake.Root);
        var metrics = new IngestMetrics();
        var log = new WriteAheadLog(Path.Combine(lake.Root, "_wal"), options.MaxSegmentBytes);
        metrics.WalFound(log.TotalBytes());
        var enricher = new EventEnricher();
        var app = builder.Build();
        var flusher = new WalFlusher(lake, log, enricher, metrics, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ClosedLoop.Service.WalFlusher"));

        // Replay first: what an earlier run acknowledged is in the lake before anything new is taken.
        await flusher.FlushAsync(long.MaxValue, ct).ConfigureAwait(false);

        var committer = new GroupCommitter(log, metrics);
        MapEndpoints(app, options, lake, auth, new EventIntake(enricher), committer, metrics);
        var stopFlusher = new CancellationTokenSource();
        var loop = flusher.RunAsync(committer, options.FlushInterval, options.FlushAtBytes, stopFlusher.Token);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await stopFlusher.CancelAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(false);
            await committer.DisposeAsync().ConfigureAwait(false);
            log.Dispose();
            stopFlusher.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new IngestServer(app, log, committer, flusher, loop, stopFlusher, options.FlushOnStop, metrics);
    }

    /// <summary>Stops listening (requests in flight finish), commits the log and flushes it into the lake.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _stopFlusher.CancelAsync().ConfigureAwait(false);
        await _flusherLoop.ConfigureAwait(false);
        await _committer.DisposeAsync().ConfigureAwait(false);
        if (_flushOnStop)
            await _flusher.FlushAsync(long.MaxValue, CancellationToken.None).ConfigureAwait(false);
        _log.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopFlusher.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void MapEndpoints(WebApplication app, IngestOptions options, LakeLayout lake, WriteKeyAuthentication auth, EventIntake intake, GroupCommitter committer, IngestMetrics metrics)
    {
        app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.Request(endpoint, context.Response.StatusCode);
        });
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/t.js", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(Tracker.Script, "text/javascript; charset=utf-8");
        });
        Dashboard.DashboardAssets.Map(app);
        options.MapExtraEndpoints?.Invoke(app);
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        var v1 = app.MapGroup("/v1");
        v1.AddEndpointFilter(auth.FilterAsync);
        var read = app.MapGroup("/v1");
        read.AddEndpointFilter(new ReadTokenAuthentication(options.ReadToken).FilterAsync);
        new ReadEndpoints(lake).Map(read);
        new IngestEndpoints(options, lake, intake, committer, metrics).Map(v1);
        new CrmEndpoints(options, lake, metrics).Map(v1);
    }

    /// <summary>A value set by the caller (the command line) wins over configuration, which wins over the default.</summary>
    private static T Pick<T>(T given, T defaultValue, T? configured)
        where T : struct => !EqualityComparer<T>.Default.Equals(given, defaultValue) ? given : configured ?? defaultValue;

    /// <summary>Adds keys from configuration (<c>ClosedLoop:WriteKeys</c>, appsettings.json or environment) and its other settings.</summary>
    private static IngestOptions WithConfiguration(IngestOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection("ClosedLoop");
        var keys = section.GetSection("WriteKeys").GetChildren().Select(c => c.Value).OfType<string>();
        if (section["WriteKeys"] is { Length: > 0 } commaSeparated)
            keys = keys.Concat(commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var defaults = new IngestOptions { LakeRoot = options.LakeRoot };
        return new IngestOptions
        {
            LakeRoot = options.LakeRoot,
            Urls = options.Urls,
            WriteKeys = [.. options.WriteKeys.Concat(keys).Distinct(StringComparer.Ordinal)],
            ReadToken = options.ReadToken ?? section["ReadToken"],
            MaxBodyBytes = Pick(options.MaxBodyBytes, defaults.MaxBodyBytes, section.GetValue<int?>("MaxBodyBytes")),
            MaxCrmBodyBytes = Pick(options.MaxCrmBodyBytes, defaults.MaxCrmBodyBytes, section.GetValue<int?>("MaxCrmBodyBytes")),
            MaxBacklogBytes = Pick(options.MaxBacklogBytes, defaults.MaxBacklogBytes, section.GetValue<long?>("MaxBacklogBytes")),
            FlushInterval = Pick(options.FlushInterval, defaults.FlushInterval, section.GetValue<TimeSpan?>("FlushInterval")),
            FlushAtBytes = Pick(options.FlushAtBytes, defaults.FlushAtBytes, section.GetValue<long?>("FlushAtBytes")),
            MaxSegmentBytes = options.MaxSegmentBytes,
            FlushOnStop = options.FlushOnStop,
            MapExtraEndpoints = options.MapExtraEndpoints,
        };
    }
}
