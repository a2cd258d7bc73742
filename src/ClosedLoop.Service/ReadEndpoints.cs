using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Journeys;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;
using ClosedLoop.Lake.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClosedLoop.Service;

/// <summary>
/// The read token of the read API: <c>Authorization: Bearer TOKEN</c> or <c>?token=TOKEN</c>, compared in
/// constant time. Without a configured token the read API is closed (401 saying how to configure one).
/// </summary>
public sealed class ReadTokenAuthentication(string? token)
{
    private readonly byte[]? _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    public bool IsConfigured => _token is not null;

    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_token is null)
            return false;
        string? given = null;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            given = header["Bearer ".Length..].Trim();
        else if (request.Query.TryGetValue("token", out var query))
            given = query.ToString();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _token);
    }

    /// <summary>An endpoint filter answering 401 with a Bearer challenge.</summary>
    public async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsAuthorized(context.HttpContext.Request))
            return await next(context).ConfigureAwait(false);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"closedloop\"";
        var message = IsConfigured
            ? "missing or wrong read token: send 'Authorization: Bearer TOKEN' or ?token=TOKEN"
            : "the read API is off: no read token is configured; start the service with --read-token TOKEN or set ClosedLoop:ReadToken";
        return Results.Json(new ErrorAnswer(message), statusCode: StatusCodes.Status401Unauthorized);
    }
}

/// <summary>
/// The read API: <c>GET /v1/attribution</c>, <c>GET /v1/reports/{name}</c> and <c>GET /v1/journey</c> with the CLI's options as query
/// parameters, through <see cref="ReportRunner"/> (the code behind <c>closedloop attribute</c> and
/// <c>closedloop report</c>). JSON (an array of objects, as <c>closedloop sql --format json</c>) by default, an Arrow
/// IPC stream for <c>Accept: application/vnd.apache.arrow.stream</c>. Bad parameters get 400 with the CLI's message.
/// </summary>
internal sealed class ReadEndpoints(LakeLayout lake)
{
    public const string ArrowStreamType = "application/vnd.apache.arrow.stream";

    // Attribution runs replace credit files in lake/derived/credits: one at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/attribution", (Func<HttpContext, Task<IResult>>)(context =>
            AnswerAsync(context, parameters => ReportRunner.Attribution(lake, parameters))));
        v1.MapGet("/reports/{name}", (Func<HttpContext, Task<IResult>>)(context =>
            AnswerAsync(context, parameters => ReportRunner.Report(lake, context.Request.RouteValues["name"] as string ?? "", parameters))));
        v1.MapGet("/journey", (Func<HttpContext, Task<IResult>>)JourneyAsync);
    }

    /// <summary><c>GET /v1/journey?email=E</c>: one JSON object with an array per section, as <c>closedloop journey --format json</c>.</summary>
    private Task<IResult> JourneyAsync(HttpContext context) =>
        RunAsync(context, "application/json; charset=utf-8", async (buffer, ct) =>
        {
            var email = context.Request.Query["email"].ToString();
            if (string.IsNullOrWhiteSpace(email))
                throw new UserInputException("--email is required");
            using var db = LakeDatabase.Open(lake);
            await PersonJourneyQuery.WriteJsonAsync(db, PersonJourneyQuery.FindPerson(db, email), buffer, ct).ConfigureAwait(false);
        });

    private Task<IResult> AnswerAsync(HttpContext context, Func<ReportParameters, ReportQuery> open)
    {
        var arrow = context.Request.Headers.Accept.Any(a => a is not null && a.Contains(ArrowStreamType, StringComparison.OrdinalIgnoreCase));
        return RunAsync(context, arrow ? ArrowStreamType : "application/json; charset=utf-8", async (buffer, ct) =>
        {
            using var query = open(Parameters(context.Request.Query));
            using var reader = query.Database.ExecuteReader(query.Sql);
            if (arrow)
                await QueryResultWriter.WriteArrowStreamAsync(reader, buffer, ct).ConfigureAwait(false);
            else
                await QueryResultWriter.WriteAsync(reader, QueryOutputFormat.Json, buffer, ct).ConfigureAwait(false);
        });
    }

    /// <summary>Runs one read request alone (see <see cref="_gate"/>), buffered, with bad input as 400.</summary>
    private async Task<IResult> RunAsync(HttpContext context, string contentType, Func<Stream, CancellationToken, Task> write)
    {
        var ct = context.RequestAborted;
        var buffer = new MemoryStream();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // DuckDB work is synchronous: keep it off the request thread. The result is buffered so that an error
            // while reading rows is still a clean 400, not a cut-off 200.
            await Task.Run(() => write(buffer, ct), ct).ConfigureAwait(false);
        }
        catch (UserInputException ex)
        {
            return Results.Json(new ErrorAnswer(ex.Message), statusCode: StatusCodes.Status400BadRequest);
        }
        finally
        {
            _gate.Release();
        }
        return Results.Bytes(buffer.ToArray(), contentType);
    }

    /// <summary>The query string as report parameters; names are the CLI's options without the dashes.</summary>
    private static ReportParameters Parameters(IQueryCollection query)
    {
        string? Text(string name) => query.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;
        return new ReportParameters
        {
            Model = Text("model"),
            By = Text("by"),
            Conversion = Text("conversion"),
            Lookback = Text("lookback"),
            From = Text("from"),
            To = Text("to"),
            Top = Text("top") is { } top ? Integer(top, "top") : null,
            Interval = Text("interval"),
            Revenue = Text("revenue") is { } revenue && Flag(revenue, "revenue"),
            HalfLifeDays = Text("half_life") is { } halfLife
                ? double.TryParse(halfLife, NumberStyles.Float, CultureInfo.InvariantCulture, out var days) ? days
                    : throw new UserInputException($"--half-life '{halfLife}' is not a number of days")
                : null,
            MarkovOrder = Text("order") is { } order ? Integer(order, "order") : null,
            KeepRepeats = Text("keep_repeats") is { } keep && Flag(keep, "keep_repeats"),
        };
    }

    private static int Integer(string text, string name) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw new UserInputException($"--{name.Replace('_', '-')} '{text}' is not a whole number");

    private static bool Flag(string text, string name) => text.Trim().ToLowerInvariant() switch
    {
        "" or "1" or "true" or "yes" => true,
        "0" or "false" or "no" => false,
        _ => throw new UserInputException($"--{name.Replace('_', '-')} '{text}' is not true or false"),
    };
}
