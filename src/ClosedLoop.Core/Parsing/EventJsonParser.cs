using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Core.Parsing;

/// <summary>One event found in a JSON text: the event, or why it could not be read, and where its bytes are.</summary>
/// <param name="Event">The event, when it could be read.</param>
/// <param name="Error">Why it could not be read, else null.</param>
/// <param name="BatchIndex">Position inside a <c>{"batch": [...]}</c> array, else null.</param>
/// <param name="Start">Offset of the event's JSON inside the parsed text.</param>
/// <param name="Length">Length of the event's JSON (the whole text when it could not be parsed).</param>
public readonly record struct ParsedEvent(RawEvent? Event, string? Error, int? BatchIndex, int Start, int Length);

/// <summary>
/// Reads events from JSON in either input shape, detected per object: the flat ClosedLoop shape
/// (<c>event_id</c>, <c>anonymous_id</c>, <c>url</c>, ...) and the Segment spec (<c>messageId</c>,
/// <c>context.page.url</c>, <c>context.campaign.*</c>, ...). A <c>{"batch": [...]}</c> object yields one
/// event per element; a malformed element is reported alone.
/// </summary>
public static class EventJsonParser
{
    private static readonly JsonReaderOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };

    /// <summary>
    /// Parses one JSON text and appends what it finds. An NDJSON line must be an object (an event or a batch);
    /// a whole <c>.json</c> document may also be an array of events (<paramref name="allowArray"/>).
    /// </summary>
    public static void Parse(ReadOnlySpan<byte> json, List<ParsedEvent> output, bool allowArray = false)
    {
        var before = output.Count;
        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: true, state: new JsonReaderState(s_options));
            if (!reader.Read())
            {
                output.Add(new ParsedEvent(null, "empty line", null, 0, json.Length));
                return;
            }
            if (reader.TokenType == JsonTokenType.StartArray && allowArray)
            {
                ReadEventArray(ref reader, json, output, batchSentAt: null);
            }
            else if (reader.TokenType != JsonTokenType.StartObject)
            {
                output.Add(new ParsedEvent(null, $"expected a JSON object, found {Describe(reader.TokenType)}", null, 0, json.Length));
                return;
            }
            else
            {
                ReadTopLevelObject(ref reader, json, output);
            }
            if (reader.Read())
                throw new JsonException("unexpected content after the JSON value");
        }
        catch (JsonException ex)
        {
            // A syntax error makes the whole text unusable: drop what this text produced and report it once.
            output.RemoveRange(before, output.Count - before);
            output.Add(new ParsedEvent(null, $"malformed JSON: {ShortMessage(ex)}", null, 0, json.Length));
        }
    }

    private static void ReadTopLevelObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<ParsedEvent> output)
    {
        // Peek: a Segment batch envelope has a "batch" array; everything else is a single event. Walking the object
        // twice cost a tenth of a bulk load, so only texts that may contain the name (perhaps \u-escaped) are walked.
        var probe = reader;
        var isBatch = false;
        var mayBeBatch = json.IndexOf("\"batch\""u8) >= 0 || json.IndexOf("\\u"u8) >= 0;
        while (mayBeBatch && probe.Read() && probe.TokenType == JsonTokenType.PropertyName)
        {
            if (probe.ValueTextEquals("batch"u8))
            {
                isBatch = true;
                break;
            }
            probe.Read();
            probe.TrySkip();
        }

        var start = (int)reader.TokenStartIndex;
        if (!isBatch)
        {
            var ev = ReadEvent(ref reader, json);
            output.Add(new ParsedEvent(ev, null, null, start, (int)reader.BytesConsumed - start));
            return;
        }

        string? batchSentAt = null;
        var firstElement = output.Count;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("batch"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new JsonException("\"batch\" must be an array");
                ReadEventArray(ref reader, json, output, null);
            }
            else if (reader.ValueTextEquals("sentAt"u8))
            {
                reader.Read();
                batchSentAt = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        // The envelope's sentAt applies to every event that has none of its own (Segment's batch API).
        if (batchSentAt is not null)
        {
            for (var i = firstElement; i < output.Count; i++)
            {
                if (output[i].Event is { SentAt: null } e)
                    e.SentAt = batchSentAt;
            }
        }
    }

    private static void ReadEventArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<ParsedEvent> output, string? batchSentAt)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var ev = ReadEvent(ref reader, json);
                ev.SentAt ??= batchSentAt;
                output.Add(new ParsedEvent(ev, null, index, start, (int)reader.BytesConsumed - start));
            }
            else
            {
                var type = reader.TokenType;
                reader.Skip();
                output.Add(new ParsedEvent(null, $"batch element {index} is {Describe(type)}, not an event object", index, start, (int)reader.BytesConsumed - start));
            }
            index++;
        }
    }

    /// <summary>Reads one event object; the reader is on its StartObject and ends on its EndObject.</summary>
    private static RawEvent ReadEvent(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var e = new RawEvent();
        string? timestamp = null, originalTimestamp = null;
        string? url = null, ctxUrl = null, propUrl = null;
        string? referrer = null, ctxReferrer = null, propReferrer = null;
        string? email = null, traitsEmail = null, ctxEmail = null;
        string? utmSource = null, utmMedium = null, utmCampaign = null, utmTerm = null, utmContent = null;
        string? ctxSource = null, ctxMedium = null, ctxCampaign = null, ctxTerm = null, ctxContent = null;
        string? userAgent = null, ctxUserAgent = null, ip = null, ctxIp = null;
        string? eventName = null, name = null;
        double? revenue = null, propRevenue = null;
        string? currency = null, propCurrency = null;

        Span<char> nameBuffer = stackalloc char[MaxKnownNameLength];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (PropertyName(in reader, nameBuffer))
            {
                case "event_id" or "messageId": e.EventId = NextString(ref reader); break;
                case "timestamp": timestamp = NextString(ref reader); break;
                case "originalTimestamp": originalTimestamp = NextString(ref reader); break;
                case "sentAt": e.SentAt = NextString(ref reader); break;
                case "receivedAt" or "received_at": e.ReceivedAt = NextString(ref reader); break;
                case "anonymous_id" or "anonymousId": e.AnonymousId = NextString(ref reader); break;
                case "user_id" or "userId": e.UserId = NextString(ref reader); break;
                case "previousId" or "previous_id": e.PreviousId = NextString(ref reader); break;
                case "email": email = NextString(ref reader); break;
                case "type": e.Type = NextPooledString(ref reader); break;
                case "event": eventName = NextPooledString(ref reader); break;
                case "name": name = NextPooledString(ref reader); break;
                case "url": url = NextString(ref reader); break;
                case "referrer": referrer = NextPooledString(ref reader); break;
                case "user_agent": userAgent = NextPooledString(ref reader); break;
                case "ip": ip = NextString(ref reader); break;
                case "utm_source": utmSource = NextString(ref reader); break;
                case "utm_medium": utmMedium = NextString(ref reader); break;
                case "utm_campaign": utmCampaign = NextString(ref reader); break;
                case "utm_term": utmTerm = NextString(ref reader); break;
                case "utm_content": utmContent = NextString(ref reader); break;
                case "channel": e.Channel = NextPooledString(ref reader); break;
                case "revenue": revenue = NextNumber(ref reader); break;
                case "currency": currency = NextPooledString(ref reader); break;
                case "traits":
                    reader.Read();
                    traitsEmail = ReadTraitsEmail(ref reader);
                    break;
                case "properties":
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        // One pass: the fields are picked up on the way, then the object's text is kept as it is.
                        var start = reader.TokenStartIndex;
                        ReadProperties(ref reader, ref propUrl, ref propReferrer, ref propRevenue, ref propCurrency);
                        e.PropertiesJson = Encoding.UTF8.GetString(json[(int)start..(int)reader.BytesConsumed]);
                    }
                    else
                    {
                        reader.Skip();
                    }
                    break;
                case "context":
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                        ReadContext(ref reader, ref ctxUrl, ref ctxReferrer, ref ctxSource, ref ctxMedium, ref ctxCampaign, ref ctxTerm, ref ctxContent, ref ctxEmail, ref ctxUserAgent, ref ctxIp);
                    else
                        reader.Skip();
                    break;
                default:
                    reader.Read();
                    reader.Skip();
                    break;
            }
        }

        e.Timestamp = timestamp ?? originalTimestamp;
        e.Url = url ?? ctxUrl ?? propUrl;
        e.Referrer = referrer ?? ctxReferrer ?? propReferrer;
        e.Email = email ?? traitsEmail ?? ctxEmail;
        e.UtmSource = utmSource ?? ctxSource;
        e.UtmMedium = utmMedium ?? ctxMedium;
        e.UtmCampaign = utmCampaign ?? ctxCampaign;
        e.UtmTerm = utmTerm ?? ctxTerm;
        e.UtmContent = utmContent ?? ctxContent;
        e.UserAgent = userAgent ?? ctxUserAgent;
        e.Ip = ip ?? ctxIp;
        e.Revenue = revenue ?? propRevenue;
        e.Currency = currency ?? propCurrency;
        // Segment's track carries "event"; its page/screen carry "name" (the page name), which is not an event name.
        e.EventName = eventName ?? (e.Type is "track" ? name : null);
        return e;
    }

    /// <summary>Reads Segment's <c>context</c> object; the reader is on its StartObject and ends on its EndObject.</summary>
    private static void ReadContext(ref Utf8JsonReader reader, ref string? url, ref string? referrer, ref string? source, ref string? medium,
        ref string? campaign, ref string? term, ref string? content, ref string? email, ref string? userAgent, ref string? ip)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("page"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref url, "url"u8, ref referrer, "referrer"u8);
            }
            else if (reader.ValueTextEquals("campaign"u8))
            {
                reader.Read();
                ReadCampaign(ref reader, ref source, ref medium, ref campaign, ref term, ref content);
            }
            else if (reader.ValueTextEquals("traits"u8))
            {
                reader.Read();
                email = ReadTraitsEmail(ref reader);
            }
            else if (reader.ValueTextEquals("userAgent"u8)) userAgent = NextPooledString(ref reader);
            else if (reader.ValueTextEquals("ip"u8)) ip = NextString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Longer than every name an event's top level is read for.</summary>
    private const int MaxKnownNameLength = 24;

    /// <summary>
    /// The current property name as chars in <paramref name="buffer"/>, for a <c>switch</c> that the compiler turns
    /// into a jump on length and characters: one comparison per property instead of one per known name. A name
    /// that cannot be one of ours (too long, not ASCII) comes back empty.
    /// </summary>
    private static ReadOnlySpan<char> PropertyName(in Utf8JsonReader reader, Span<char> buffer)
    {
        ReadOnlySpan<byte> utf8;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            utf8 = reader.ValueSpan;
        }
        else
        {
            // Rare: an escaped name, or one split across buffers.
            var scratch = new byte[reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length];
            utf8 = scratch.AsSpan(0, reader.CopyString(scratch));
        }
        if (utf8.Length > buffer.Length || System.Text.Ascii.ToUtf16(utf8, buffer, out var written) != System.Buffers.OperationStatus.Done)
            return default;
        return buffer[..written];
    }

    private static void ReadProperties(ref Utf8JsonReader reader, ref string? url, ref string? referrer, ref double? revenue, ref string? currency)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("url"u8)) url = NextString(ref reader);
            else if (reader.ValueTextEquals("referrer"u8)) referrer = NextPooledString(ref reader);
            else if (reader.ValueTextEquals("revenue"u8)) revenue = NextNumber(ref reader);
            else if (reader.ValueTextEquals("currency"u8)) currency = NextPooledString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadObject(ref Utf8JsonReader reader, ref string? a, ReadOnlySpan<byte> aName, ref string? b, ReadOnlySpan<byte> bName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(aName)) a = NextString(ref reader);
            else if (reader.ValueTextEquals(bName)) b = NextPooledString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadCampaign(ref Utf8JsonReader reader, ref string? source, ref string? medium, ref string? name, ref string? term, ref string? content)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("source"u8)) source = NextString(ref reader);
            else if (reader.ValueTextEquals("medium"u8)) medium = NextString(ref reader);
            else if (reader.ValueTextEquals("name"u8) || reader.ValueTextEquals("campaign"u8)) name = NextPooledString(ref reader);
            else if (reader.ValueTextEquals("term"u8)) term = NextString(ref reader);
            else if (reader.ValueTextEquals("content"u8)) content = NextString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static string? ReadTraitsEmail(ref Utf8JsonReader reader)
    {
        string? email = null, unused = null;
        ReadObject(ref reader, ref email, "email"u8, ref unused, "\u0000"u8);
        return email;
    }

    /// <summary>Shared by all parser threads: the pool is lock-free.</summary>
    private static readonly StringPool s_pool = new();

    /// <summary>Like <see cref="NextString"/> for values that repeat across events (user agents, referrers, names).</summary>
    private static string? NextPooledString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
            return ReadString(ref reader);
        return s_pool.Intern(reader.ValueSpan);
    }

    private static string? NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return ReadString(ref reader);
    }

    /// <summary>Reads a scalar as text: ids are often sent as numbers; objects and arrays are skipped.</summary>
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }

    private static double? NextNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDouble(out var d) ? d : null;
            case JsonTokenType.String:
                var span = reader.HasValueSequence ? default : reader.ValueSpan;
                if (!reader.ValueIsEscaped && Utf8Parser.TryParse(span, out double parsed, out var used) && used == span.Length)
                    return parsed;
                return double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out parsed) ? parsed : null;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string ShortMessage(JsonException ex)
    {
        // System.Text.Json appends "LineNumber: 0 | BytePositionInLine: 8." and a path; say it in our words.
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
            message = message[..cut].TrimEnd('.', ' ');
        return ex.BytePositionInLine is { } position ? $"{message} (at byte {position})" : message;
    }
}
