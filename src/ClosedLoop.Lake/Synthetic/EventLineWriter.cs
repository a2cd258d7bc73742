using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>
/// Renders journey events as NDJSON lines, in the flat shape or the Segment shape, with
/// <see cref="Utf8JsonWriter"/> into a reused line buffer that is then copied to the file.
/// </summary>
internal sealed class EventLineWriter : IDisposable
{
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText s_anonymousId = JsonEncodedText.Encode("anonymous_id");
    private static readonly JsonEncodedText s_userId = JsonEncodedText.Encode("user_id");
    private static readonly JsonEncodedText s_email = JsonEncodedText.Encode("email");
    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText s_url = JsonEncodedText.Encode("url");
    private static readonly JsonEncodedText s_referrer = JsonEncodedText.Encode("referrer");
    private static readonly JsonEncodedText s_userAgentFlat = JsonEncodedText.Encode("user_agent");
    private static readonly JsonEncodedText s_ip = JsonEncodedText.Encode("ip");
    private static readonly JsonEncodedText s_properties = JsonEncodedText.Encode("properties");
    private static readonly JsonEncodedText s_revenue = JsonEncodedText.Encode("revenue");
    private static readonly JsonEncodedText s_currency = JsonEncodedText.Encode("currency");
    private static readonly JsonEncodedText s_title = JsonEncodedText.Encode("title");
    private static readonly JsonEncodedText s_path = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText s_formId = JsonEncodedText.Encode("form_id");
    private static readonly JsonEncodedText s_plan = JsonEncodedText.Encode("plan");
    private static readonly JsonEncodedText s_messageId = JsonEncodedText.Encode("messageId");
    private static readonly JsonEncodedText s_anonymousIdSegment = JsonEncodedText.Encode("anonymousId");
    private static readonly JsonEncodedText s_userIdSegment = JsonEncodedText.Encode("userId");
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText s_sentAt = JsonEncodedText.Encode("sentAt");
    private static readonly JsonEncodedText s_context = JsonEncodedText.Encode("context");
    private static readonly JsonEncodedText s_page = JsonEncodedText.Encode("page");
    private static readonly JsonEncodedText s_campaign = JsonEncodedText.Encode("campaign");
    private static readonly JsonEncodedText s_source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText s_medium = JsonEncodedText.Encode("medium");
    private static readonly JsonEncodedText s_traits = JsonEncodedText.Encode("traits");
    private static readonly JsonEncodedText s_userAgentSegment = JsonEncodedText.Encode("userAgent");
    private static readonly JsonEncodedText s_library = JsonEncodedText.Encode("library");
    private static readonly JsonEncodedText s_version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText s_batch = JsonEncodedText.Encode("batch");
    private static readonly JsonEncodedText s_pageType = JsonEncodedText.Encode("page");
    private static readonly JsonEncodedText s_trackType = JsonEncodedText.Encode("track");
    private static readonly JsonEncodedText s_identifyType = JsonEncodedText.Encode("identify");
    private static readonly JsonEncodedText s_usd = JsonEncodedText.Encode("USD");
    private static readonly JsonEncodedText s_analyticsJs = JsonEncodedText.Encode("analytics.js");
    private static readonly JsonEncodedText s_analyticsJsVersion = JsonEncodedText.Encode("npm:next-1.70.0");

    private readonly Stream _out;
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly ulong _idKey;
    private long _idCounter;

    public EventLineWriter(Stream output, ulong seed)
    {
        _out = output;
        _idKey = SyntheticRandom.Mix64(seed ^ 0xE7E7);
        // Relaxed escaping writes '&' in URLs as is, as real trackers do; the output is a file, not HTML.
        _json = new Utf8JsonWriter(_line, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public long Lines { get; private set; }
    public long Events { get; private set; }
    public long SegmentEvents { get; private set; }
    public long BatchLines { get; private set; }
    public long DuplicateLines { get; private set; }
    public long MalformedLines { get; private set; }
    public long[] MalformedByKind { get; } = new long[5];

    public void Write(PersonJourney journey, in JourneyLine line)
    {
        var events = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(journey.Events);
        switch (line.Kind)
        {
            case JourneyLineKind.Single:
                Begin();
                WriteEvent(journey, events[line.First], malformed: null);
                Events++;
                if (events[line.First].Segment)
                    SegmentEvents++;
                break;
            case JourneyLineKind.Batch:
                Begin();
                _json.WriteStartObject();
                _json.WriteStartArray(s_batch);
                for (var i = 0; i < line.Count; i++)
                    WriteEvent(journey, events[line.First + i], malformed: null);
                _json.WriteEndArray();
                _json.WriteEndObject();
                Events += line.Count;
                SegmentEvents += line.Count;
                BatchLines++;
                break;
            case JourneyLineKind.Duplicate:
                // The line buffer still holds the previous line: repeat it byte for byte.
                _out.Write(_line.WrittenSpan);
                Lines++;
                DuplicateLines++;
                return;
            default:
                Begin();
                WriteEvent(journey, events[line.First], line.Malformed);
                MalformedLines++;
                MalformedByKind[(int)line.Malformed]++;
                break;
        }
        _json.Flush();
        var length = _line.WrittenCount;
        if (line.Kind == JourneyLineKind.Malformed && line.Malformed == MalformedKind.Truncated)
        {
            // Any proper prefix of a JSON object is invalid JSON: a line cut off mid-write.
            var cut = Math.Max(8, length * (int)(12 + (SyntheticRandom.Mix64((ulong)_idCounter) % 6)) / 20);
            _out.Write(_line.WrittenSpan[..cut]);
            _out.WriteByte((byte)'\n');
            Lines++;
            return;
        }
        _line.Write("\n"u8);
        _out.Write(_line.WrittenSpan);
        Lines++;
    }

    private void Begin()
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
    }

    private void WriteEvent(PersonJourney journey, in JourneyEvent e, MalformedKind? malformed)
    {
        _idCounter++;
        // Malformed lines are always flat, so no Segment fallback (sentAt, originalTimestamp) can rescue them.
        if (e.Segment && malformed is null)
            WriteSegment(journey, e, malformed);
        else
            WriteFlat(journey, e, malformed);
    }

    private void WriteFlat(PersonJourney journey, in JourneyEvent e, MalformedKind? malformed)
    {
        var json = _json;
        var device = journey.Devices[e.Device];
        var withIds = malformed != MalformedKind.NoIdentifier;
        json.WriteStartObject();
        Span<byte> id = stackalloc byte[36];
        SyntheticIds.WriteUuid(id, SyntheticRandom.Mix64((ulong)_idCounter ^ _idKey), SyntheticRandom.Mix64((ulong)_idCounter + _idKey));
        json.WriteString(s_eventId, id);
        WriteTimestamp(s_timestamp, e.TimeMs, malformed);
        if (withIds)
        {
            json.WriteString(s_anonymousId, device.AnonymousId);
            if (e.HasUserId && journey.UserId is not null)
                json.WriteString(s_userId, journey.UserId);
            if (e.Email is not null)
                json.WriteString(s_email, e.Email);
        }
        json.WriteString(s_type, TypeName(e.Kind));
        if (e.EventName is not null)
            json.WriteString(s_event, e.EventName);
        json.WriteString(s_url, e.Url);
        if (e.Referrer is not null)
            json.WriteString(s_referrer, e.Referrer);
        json.WriteString(s_userAgentFlat, device.UserAgent);
        json.WriteString(s_ip, device.Ip);
        if (e.Kind == JourneyEventKind.Track && e.Plan is not null && e.Revenue > 0)
        {
            json.WriteNumber(s_revenue, e.Revenue);
            json.WriteString(s_currency, s_usd);
        }
        json.WriteStartObject(s_properties);
        WriteProperties(e);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteSegment(PersonJourney journey, in JourneyEvent e, MalformedKind? malformed)
    {
        var json = _json;
        var device = journey.Devices[e.Device];
        var withIds = malformed != MalformedKind.NoIdentifier;
        json.WriteStartObject();
        Span<byte> id = stackalloc byte[9 + 32];
        "ajs-next-"u8.CopyTo(id);
        var hi = SyntheticRandom.Mix64((ulong)_idCounter ^ _idKey);
        var lo = SyntheticRandom.Mix64((ulong)_idCounter + _idKey);
        hi.TryFormat(id.Slice(9, 16), out _, "x16", CultureInfo.InvariantCulture);
        lo.TryFormat(id.Slice(25, 16), out _, "x16", CultureInfo.InvariantCulture);
        json.WriteString(s_messageId, id);
        json.WriteString(s_type, TypeName(e.Kind));
        if (withIds)
        {
            json.WriteString(s_anonymousIdSegment, device.AnonymousId);
            if (e.HasUserId && journey.UserId is not null)
                json.WriteString(s_userIdSegment, journey.UserId);
            else
                json.WriteNull(s_userIdSegment);
        }
        if (e.Kind == JourneyEventKind.Track)
            json.WriteString(s_event, e.EventName);
        else if (e.Kind == JourneyEventKind.Page)
            json.WriteString(s_name, PageName(e.Page));
        WriteTimestamp(s_timestamp, e.TimeMs, malformed);
        WriteTimestamp(s_sentAt, e.TimeMs + 40 + (long)(SyntheticRandom.Mix64((ulong)_idCounter) % 1900), null);

        json.WriteStartObject(s_context);
        json.WriteStartObject(s_page);
        json.WriteString(s_url, e.Url);
        json.WriteString(s_path, e.Page.Path);
        json.WriteString(s_title, e.Page.Title);
        if (e.Referrer is not null)
            json.WriteString(s_referrer, e.Referrer);
        else
            json.WriteString(s_referrer, "");
        json.WriteEndObject();
        if (e.UtmSource is not null)
        {
            json.WriteStartObject(s_campaign);
            json.WriteString(s_source, e.UtmSource);
            json.WriteString(s_medium, e.UtmMedium);
            json.WriteString(s_name, e.UtmCampaign);
            json.WriteEndObject();
        }
        if (e.Kind == JourneyEventKind.Identify && e.Email is not null && withIds)
        {
            json.WriteStartObject(s_traits);
            json.WriteString(s_email, e.Email);
            json.WriteEndObject();
        }
        json.WriteString(s_userAgentSegment, device.UserAgent);
        json.WriteString(s_ip, device.Ip);
        json.WriteStartObject(s_library);
        json.WriteString(s_name, s_analyticsJs);
        json.WriteString(s_version, s_analyticsJsVersion);
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartObject(s_properties);
        if (e.Kind == JourneyEventKind.Page)
        {
            json.WriteString(s_url, e.Url);
            json.WriteString(s_path, e.Page.Path);
            json.WriteString(s_title, e.Page.Title);
            if (e.Referrer is not null)
                json.WriteString(s_referrer, e.Referrer);
        }
        else
        {
            WriteProperties(e);
            if (e.Kind == JourneyEventKind.Track && e.Email is not null && withIds)
                json.WriteString(s_email, e.Email);
            if (e.Plan is not null && e.Revenue > 0)
            {
                json.WriteNumber(s_revenue, e.Revenue);
                json.WriteString(s_currency, s_usd);
            }
        }
        json.WriteEndObject();
        if (e.Kind == JourneyEventKind.Identify && e.Email is not null && withIds)
        {
            json.WriteStartObject(s_traits);
            json.WriteString(s_email, e.Email);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private void WriteProperties(in JourneyEvent e)
    {
        var json = _json;
        switch (e.Kind)
        {
            case JourneyEventKind.Page:
                json.WriteString(s_title, e.Page.Title);
                json.WriteString(s_path, e.Page.Path);
                break;
            case JourneyEventKind.Track:
                if (e.FormId is not null)
                    json.WriteString(s_formId, e.FormId);
                if (e.Plan is not null)
                    json.WriteString(s_plan, e.Plan);
                break;
            default:
                break;
        }
    }

    private void WriteTimestamp(JsonEncodedText name, long ms, MalformedKind? malformed)
    {
        switch (malformed)
        {
            case MalformedKind.MissingTimestamp:
                return;
            case MalformedKind.TimestampWord:
                _json.WriteString(name, "yesterday");
                return;
            case MalformedKind.Year1970:
                // Same time of year, but in 1970: what a client with a zeroed clock sends.
                ms %= 365L * 24 * 3600 * 1000;
                break;
            default:
                break;
        }
        Span<byte> utf8 = stackalloc byte[24];
        DateTime.UnixEpoch.AddMilliseconds(ms).TryFormat(utf8, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _json.WriteString(name, utf8[..written]);
    }

    private static JsonEncodedText TypeName(JourneyEventKind kind) => kind switch
    {
        JourneyEventKind.Track => s_trackType,
        JourneyEventKind.Identify => s_identifyType,
        _ => s_pageType,
    };

    private static string PageName(SitePage page)
    {
        var bar = page.Title.IndexOf(" |", StringComparison.Ordinal);
        return bar > 0 ? page.Title[..bar] : page.Title;
    }

    public void Dispose() => _json.Dispose();
}
