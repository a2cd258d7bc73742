using System.Text.Json;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Service.Wal;

/// <summary>
/// The payload of one log record: the accepted events of one request as parsed (before enrichment) and
/// when they were received. Enrichment is repeated when the log is flushed; it depends only on the event
/// and this time, so the lake gets exactly what the request was validated against.
/// </summary>
public sealed class WalBatch
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public DateTime ReceivedAt { get; init; }

    public List<RawEvent> Events { get; init; } = [];

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    public static WalBatch Deserialize(ReadOnlySpan<byte> payload) =>
        JsonSerializer.Deserialize<WalBatch>(payload, s_json) ?? throw new InvalidDataException("empty write-ahead log record");
}
