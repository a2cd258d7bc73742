using System.Text.Json;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;
using ClosedLoop.Lake.Events;

namespace ClosedLoop.Service.Wal;

/// <summary>
/// The payload of one log record: the accepted events of one request, enriched, in the lake's spill row format
/// (<see cref="SpilledEventRow"/>) behind a format byte. The flusher hands the rows to the Parquet writer as they
/// are, so an event is parsed and enriched once, when its request is validated, and the lake gets exactly that.
/// </summary>
/// <remarks>
/// Logs written before this format hold a JSON document (<c>{"ReceivedAt":..,"Events":[raw events]}</c>); a record
/// starting with <c>{</c> is replayed the old way, by enriching its raw events again.
/// </remarks>
internal static class WalRecord
{
    /// <summary>Format 2: spill rows. (Format 1, JSON, is recognised by its leading <c>{</c>.)</summary>
    private const byte RowsFormat = 2;

    private static readonly JsonSerializerOptions s_legacyJson = new();

    /// <summary>
    /// Rows are written into a buffer kept per thread and copied out at their exact size: a fresh buffer per request
    /// was regrown while writing and, at a hundred events, landed on the large object heap.
    /// </summary>
    [ThreadStatic]
    private static byte[]? t_scratch;

    public static byte[] Serialize(IReadOnlyList<EnrichedEvent> events)
    {
        var buffer = t_scratch ?? new byte[256 * 1024];
        buffer[0] = RowsFormat;
        var length = 1;
        foreach (var e in events)
            length = SpilledEventRow.Write(e, ref buffer, length);
        // One oversized batch must not pin its buffer to the thread for good.
        t_scratch = buffer.Length <= 4 * 1024 * 1024 ? buffer : null;
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>Passes the record's events to <paramref name="writer"/>.</summary>
    public static ValueTask AddToAsync(byte[] record, PartitionedEventWriter writer, EventEnricher enricher, CancellationToken ct) =>
        record switch
        {
            [RowsFormat, ..] => writer.AddSpilledAsync(record.AsMemory(1), ct),
            [(byte)'{', ..] => AddLegacyAsync(record, writer, enricher, ct),
            _ => throw new InvalidDataException($"write-ahead log record of unknown format {(record.Length > 0 ? record[0] : -1)}"),
        };

    private static async ValueTask AddLegacyAsync(byte[] record, PartitionedEventWriter writer, EventEnricher enricher, CancellationToken ct)
    {
        var batch = JsonSerializer.Deserialize<LegacyBatch>(record, s_legacyJson) ?? throw new InvalidDataException("empty write-ahead log record");
        foreach (var raw in batch.Events)
        {
            // Validated before the 200; a reject here can only come from a changed enricher, and was already reported.
            if (enricher.Enrich(raw, batch.ReceivedAt).Event is { } enriched)
                await writer.AddAsync(enriched, ct).ConfigureAwait(false);
        }
    }

    private sealed class LegacyBatch
    {
        public DateTime ReceivedAt { get; init; }
        public List<RawEvent> Events { get; init; } = [];
    }
}
