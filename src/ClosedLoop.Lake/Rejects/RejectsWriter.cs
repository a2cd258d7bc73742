using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Lake.Rejects;

/// <summary>Appends rejected rows to <c>lake/rejects/kind=KIND/</c> as one new Parquet file per call.</summary>
public static class RejectsWriter
{
    private static readonly DataField<string> s_file = new("file", true);
    private static readonly DataField<long> s_line = new("line");
    private static readonly DataField<int?> s_index = new("batch_index", true);
    private static readonly DataField<string> s_raw = new("raw", true);
    private static readonly DataField<string> s_reason = new("reason", true);
    private static readonly DateTimeDataField s_rejectedAt = LakeTimestamp.Field("rejected_at");
    private static readonly ParquetSchema s_schema = new(s_file, s_line, s_index, s_raw, s_reason, s_rejectedAt);

    /// <summary>Writes the rejects of one kind; a no-op for an empty list. The file appears atomically.</summary>
    public static async Task WriteAsync(LakeLayout lake, string kind, IReadOnlyList<RejectRecord> rejects, CancellationToken ct = default)
    {
        if (rejects.Count == 0)
            return;
        var dir = lake.RejectPartition(kind);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(lake.Staging);
        var name = LakeLayout.NewFileName("rejects");
        var staging = Path.Combine(lake.Staging, name);
        var now = DateTime.UtcNow;
        await using (var stream = File.Create(staging))
        {
            await using var writer = await ParquetWriter.CreateAsync(s_schema, stream, LakeParquetOptions.Create(), cancellationToken: ct);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(s_file, rejects.Select(r => (string?)r.File).ToArray());
            await group.WriteAsync<long>(s_line, rejects.Select(r => r.Line).ToArray().AsMemory(), cancellationToken: ct);
            await group.WriteAsync<int>(s_index, rejects.Select(r => r.Index).ToArray().AsMemory(), cancellationToken: ct);
            await group.WriteAsync(s_raw, rejects.Select(r => (string?)RejectRecord.Truncate(r.Raw)).ToArray());
            await group.WriteAsync(s_reason, rejects.Select(r => (string?)r.Reason).ToArray());
            await group.WriteAsync<DateTime>(s_rejectedAt, Enumerable.Repeat(now, rejects.Count).ToArray().AsMemory(), cancellationToken: ct);
        }
        File.Move(staging, Path.Combine(dir, name));
    }
}
