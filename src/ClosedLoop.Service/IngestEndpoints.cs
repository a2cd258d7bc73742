using ClosedLoop.Lake;
using ClosedLoop.Lake.Rejects;
using ClosedLoop.Service.Wal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClosedLoop.Service;

/// <summary>
/// The event endpoints. Each request is parsed and validated, its accepted events are appended to the
/// write-ahead log as one record, and the answer waits for the group commit's fsync: a 200 means durable.
/// </summary>
internal sealed class IngestEndpoints(IngestOptions options, LakeLayout lake, EventIntake intake, GroupCommitter committer, IngestMetrics metrics)
{
    /// <summary>Segment's HTTP tracking API: the endpoint, and the type it implies for a body without one.</summary>
    private static readonly (string Path, string? Type)[] s_segmentEndpoints =
    [
        ("/v1/batch", null), ("/v1/track", "track"), ("/v1/page", "page"), ("/v1/identify", "identify"), ("/v1/alias", "alias"),
    ];

    public void Map(RouteGroupBuilder v1)
    {
        foreach (var (path, type) in s_segmentEndpoints)
        {
            var endpoint = path;
            v1.MapPost(path[3..], (Func<HttpContext, Task<IResult>>)(context =>
                HandleAsync(context, endpoint, (body, now) => intake.ReadDocument(body.Span, endpoint, type, now))));
        }
        v1.MapPost("/events", (Func<HttpContext, Task<IResult>>)(context =>
            HandleAsync(context, "/v1/events", (body, now) => intake.ReadNdjson(body.Span, "/v1/events", now))));
    }

    private async Task<IResult> HandleAsync(HttpContext context, string endpoint, Func<ReadOnlyMemory<byte>, DateTime, IntakeResult> read)
    {
        var ct = context.RequestAborted;
        if (metrics.WalBytes + committer.PendingBytes > options.MaxBacklogBytes)
        {
            // The Parquet writer is behind: refuse before reading the body, so memory stays bounded too.
            context.Response.Headers.RetryAfter = "5";
            return Results.Json(new ErrorAnswer("the service is behind writing to the lake; retry later"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        using var body = await RequestBody.ReadPooledAsync(context.Request, options.MaxBodyBytes, ct).ConfigureAwait(false);
        if (body is null)
            return Results.Json(new ErrorAnswer($"the body is larger than {options.MaxBodyBytes} bytes; send smaller batches"), statusCode: StatusCodes.Status413PayloadTooLarge);

        var receivedAt = DateTime.UtcNow;
        var result = read(body.Memory, receivedAt);
        if (result.BodyError is { } error)
            return Results.Json(new ErrorAnswer(error), statusCode: StatusCodes.Status400BadRequest);

        if (result.Accepted.Count > 0)
        {
            await committer.AppendAsync(WalRecord.Serialize(result.Accepted)).ConfigureAwait(false);
            metrics.Accepted(result.Accepted.Count);
        }
        if (result.Rejects.Count > 0)
        {
            await RejectsWriter.WriteAsync(lake, "events", result.Rejects, CancellationToken.None).ConfigureAwait(false);
            metrics.Rejected(result.Rejects.Count);
        }
        return Results.Ok(new IngestAnswer(result.Accepted.Count, result.Rejected));
    }
}
