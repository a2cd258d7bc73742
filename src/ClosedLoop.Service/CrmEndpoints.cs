using System.Text.Json;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Crm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClosedLoop.Service;

/// <summary>
/// <c>POST /v1/crm/contacts</c> and <c>/v1/crm/deals</c>: CRM rows as a JSON array, NDJSON, or CSV
/// (<c>Content-Type: text/csv</c>). The body goes to a file under <c>lake/_staging</c> and through
/// <see cref="CrmLoader"/>, the same code as <c>closedloop load contacts|deals</c>, so header mapping,
/// validation and rejects are identical. CRM updates are rare and small next to events, so they are loaded
/// synchronously: the 200 comes after the Parquet file is in the lake, and no log is involved.
/// </summary>
internal sealed class CrmEndpoints(IngestOptions options, LakeLayout lake, IngestMetrics metrics)
{
    public void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/crm/contacts", (Func<HttpContext, Task<IResult>>)(context => HandleAsync(context, CrmTable.Contacts)));
        v1.MapPost("/crm/deals", (Func<HttpContext, Task<IResult>>)(context => HandleAsync(context, CrmTable.Deals)));
    }

    private async Task<IResult> HandleAsync(HttpContext context, CrmTable table)
    {
        var ct = context.RequestAborted;
        var body = await RequestBody.ReadAsync(context.Request, options.MaxCrmBodyBytes, ct).ConfigureAwait(false);
        if (body is null)
            return Results.Json(new ErrorAnswer($"the body is larger than {options.MaxCrmBodyBytes} bytes"), statusCode: StatusCodes.Status413PayloadTooLarge);

        var csv = context.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;
        byte[] content;
        if (csv)
        {
            content = body;
        }
        else if (FirstNonSpace(body) == (byte)'[')
        {
            if (ToNdjson(body, out var error) is not { } ndjson)
                return Results.Json(new ErrorAnswer(error!), statusCode: StatusCodes.Status400BadRequest);
            content = ndjson;
        }
        else
        {
            content = body;
        }

        Directory.CreateDirectory(lake.Staging);
        var file = Path.Combine(lake.Staging, $"http-crm-{table.Kind}-{Guid.NewGuid():N}{(csv ? ".csv" : ".ndjson")}");
        try
        {
            await File.WriteAllBytesAsync(file, content, ct).ConfigureAwait(false);
            var result = await CrmLoader.LoadAsync(lake, table, file, CancellationToken.None).ConfigureAwait(false);
            metrics.CrmRows(table.Kind, result.Loaded, result.Rejected);
            return Results.Ok(new CrmAnswer(result.RowsRead, result.Loaded, result.Rejected));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static byte FirstNonSpace(byte[] body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return b;
        }
        return 0;
    }

    /// <summary>A JSON array of row objects as NDJSON, one row per line, which is what the CRM loader reads.</summary>
    private static byte[]? ToNdjson(byte[] body, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            using var output = new MemoryStream(body.Length + 16);
            foreach (var row in document.RootElement.EnumerateArray())
            {
                using (var writer = new Utf8JsonWriter(output))
                    row.WriteTo(writer);
                output.WriteByte((byte)'\n');
            }
            error = null;
            return output.ToArray();
        }
        catch (JsonException ex)
        {
            error = $"malformed JSON: {ex.Message}";
            return null;
        }
    }
}
