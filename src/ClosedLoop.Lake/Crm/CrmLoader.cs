using ClosedLoop.Lake.Loading;
using ClosedLoop.Lake.Rejects;

namespace ClosedLoop.Lake.Crm;

/// <summary>What one CRM load did.</summary>
/// <param name="OutputFile">The new Parquet file, or null when no row was loaded.</param>
/// <param name="RejectsDirectory">Where the rejected rows went (<c>lake/rejects/kind=KIND</c>).</param>
public sealed record CrmLoadResult(string Kind, long RowsRead, long Loaded, long Rejected, string? OutputFile, string RejectsDirectory);

/// <summary>
/// Loads one CRM export (contacts, deals or spend; CSV or NDJSON; gzip or stdin) into a new Parquet
/// file of its table. Bad rows go to rejects with file, line, raw text and reason; a load never stops
/// on a bad row. Earlier loads are kept: the views pick the latest state per key.
/// </summary>
public static class CrmLoader
{
    private const int RejectBatch = 10_000;

    public static async Task<CrmLoadResult> LoadAsync(LakeLayout lake, CrmTable table, string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(path);
        var sourceFile = path == InputFiles.StdIn ? InputFiles.StdIn : Path.GetFullPath(path);
        // Microsecond precision: what Parquet and DuckDB keep, so the value round-trips exactly.
        var loadedAt = new DateTime(DateTime.UtcNow.Ticks / 10 * 10, DateTimeKind.Utc);

        using var input = OpenWithFormat(path, out var ndjson);
        var rows = ndjson ? CrmRowSource.ReadNdjson(table, input) : CrmRowSource.ReadCsv(table, input, path);

        await using var writer = new LakeTableWriter(lake, table.Directory(lake), table.AllColumns);
        var rejects = new List<RejectRecord>();
        long read = 0, rejected = 0;
        var domainCount = table.Columns.Count;
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            read++;
            var output = new object?[table.AllColumns.Count];
            var error = row.Error ?? table.Map(row, output);
            if (error is not null)
            {
                rejected++;
                rejects.Add(new RejectRecord(table.Kind, sourceFile, row.Line, null, row.Raw, error));
                if (rejects.Count >= RejectBatch)
                {
                    await RejectsWriter.WriteAsync(lake, table.Kind, rejects, ct).ConfigureAwait(false);
                    rejects.Clear();
                }
                continue;
            }
            var next = domainCount;
            if (table.KeepsProperties)
                output[next++] = row.PropertiesJson;
            output[next++] = sourceFile;
            output[next++] = row.Line;
            output[next] = loadedAt;
            await writer.AddAsync(output, ct).ConfigureAwait(false);
        }
        await RejectsWriter.WriteAsync(lake, table.Kind, rejects, ct).ConfigureAwait(false);
        var committed = await writer.CommitAsync(ct).ConfigureAwait(false);
        return new CrmLoadResult(table.Kind, read, writer.RowCount, rejected, committed ? writer.FinalPath : null, lake.RejectPartition(table.Kind));
    }

    /// <summary>NDJSON by extension (.ndjson, .jsonl, .json), CSV by extension (.csv, .tsv, .txt), else by a leading <c>{</c>.</summary>
    private static Stream OpenWithFormat(string path, out bool ndjson)
    {
        var stream = InputFiles.OpenInput(path);
        switch (InputFiles.ExtensionWithoutGzip(path))
        {
            case ".ndjson" or ".jsonl" or ".json":
                ndjson = true;
                return stream;
            case ".csv" or ".tsv" or ".txt":
                ndjson = false;
                return stream;
            default:
                var peeked = InputFiles.PeekFirstNonSpace(stream, out var first);
                ndjson = first == (byte)'{';
                return peeked;
        }
    }
}
