using System.Globalization;
using System.Text;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;
using ClosedLoop.Core.Parsing;
using ClosedLoop.Lake.Events;
using ClosedLoop.Lake.Rejects;

namespace ClosedLoop.Service;

/// <summary>What one request body holds: the events to log, and the rejected ones with their reasons.</summary>
internal sealed class IntakeResult
{
    /// <summary>Set when the body as a whole is unusable (malformed JSON, not UTF-8): the answer is 400.</summary>
    public string? BodyError { get; init; }
    /// <summary>The accepted events, enriched: what the write-ahead log stores and the lake receives.</summary>
    public List<EnrichedEvent> Accepted { get; } = [];
    public List<RejectedEvent> Rejected { get; } = [];
    public List<RejectRecord> Rejects { get; } = [];
}

/// <summary>
/// Parses and validates a request body with the bulk loader's parts (<see cref="EventJsonParser"/>,
/// <see cref="EventEnricher"/>, <see cref="EventKeys"/>), so that an event accepted over HTTP is exactly one
/// that <c>closedloop load events</c> would accept, and is rejected with the same reason otherwise.
/// </summary>
internal sealed class EventIntake(EventEnricher enricher)
{
    /// <summary>Reads one JSON document: a Segment batch envelope or a single event.</summary>
    /// <param name="defaultType">The event type implied by the endpoint (<c>/v1/track</c>: track), for bodies without <c>type</c>.</param>
    public IntakeResult ReadDocument(ReadOnlySpan<byte> body, string endpoint, string? defaultType, DateTime receivedAt)
    {
        var received = ReceiveTime.Of(receivedAt);
        if (!System.Text.Unicode.Utf8.IsValid(body))
            return new IntakeResult { BodyError = "the body is not valid UTF-8" };
        var parsed = new List<ParsedEvent>();
        EventJsonParser.Parse(body, parsed, allowArray: false);
        if (parsed is [{ Event: null, BatchIndex: null } whole])
            return new IntakeResult { BodyError = whole.Error };
        var result = new IntakeResult();
        var index = 0;
        // Events come in body order: count newlines from the previous event on, not from the start (linear, not quadratic).
        int line = 1, counted = 0;
        foreach (var p in parsed)
        {
            if (p.Start > counted)
            {
                line += body.Slice(counted, p.Start - counted).Count((byte)'\n');
                counted = p.Start;
            }
            Admit(p, body.Slice(p.Start, p.Length), index++, line, endpoint, defaultType, received, result);
        }
        return result;
    }

    /// <summary>Reads NDJSON: every line is an event (or a batch envelope) on its own; a bad line is rejected alone.</summary>
    public IntakeResult ReadNdjson(ReadOnlySpan<byte> body, string endpoint, DateTime receivedAt)
    {
        var received = ReceiveTime.Of(receivedAt);
        var result = new IntakeResult();
        var parsed = new List<ParsedEvent>();
        var rest = body;
        var offset = 0;
        var lineNumber = 0;
        var index = 0;
        while (offset < body.Length)
        {
            lineNumber++;
            var newline = rest[offset..].IndexOf((byte)'\n');
            var length = newline < 0 ? body.Length - offset : newline;
            var line = rest.Slice(offset, length);
            var lineStart = offset;
            offset += length + 1;
            if (line.Trim(" \t\r"u8).IsEmpty)
                continue;
            if (!System.Text.Unicode.Utf8.IsValid(line))
            {
                Reject(result, index++, lineNumber, endpoint, line, "not valid UTF-8");
                continue;
            }
            parsed.Clear();
            EventJsonParser.Parse(body.Slice(lineStart, length), parsed, allowArray: false);
            foreach (var p in parsed)
                Admit(p, line.Slice(p.Start, p.Length), index++, lineNumber, endpoint, null, received, result);
        }
        return result;
    }

    private void Admit(ParsedEvent parsed, ReadOnlySpan<byte> raw, int index, long line, string endpoint, string? defaultType, ReceiveTime received, IntakeResult result)
    {
        if (parsed.Event is not { } ev)
        {
            Reject(result, index, line, endpoint, raw, parsed.Error!);
            return;
        }
        ev.Type ??= defaultType;
        ev.EventId ??= EventKeys.DeriveId(raw);
        // The collector's receive time, as Segment stamps it; an archive's own receivedAt is kept.
        ev.ReceivedAt ??= received.Iso;
        var outcome = enricher.Enrich(ev, received.Utc);
        if (outcome.Event is { } enriched)
            result.Accepted.Add(enriched);
        else
            Reject(result, index, line, endpoint, raw, outcome.RejectReason!);
    }

    private static void Reject(IntakeResult result, int index, long line, string endpoint, ReadOnlySpan<byte> raw, string reason)
    {
        result.Rejected.Add(new RejectedEvent(index, reason));
        var text = Encoding.UTF8.GetString(raw.Length > RejectRecord.MaxRawLength ? raw[..RejectRecord.MaxRawLength] : raw);
        result.Rejects.Add(new RejectRecord("events", "http:" + endpoint, line, index, text, reason));
    }
}

/// <summary>A request's receive time, and the same as ISO-8601 text, formatted once per request rather than per event.</summary>
internal readonly record struct ReceiveTime(DateTime Utc, string Iso)
{
    public static ReceiveTime Of(DateTime utc) =>
        new(utc, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
