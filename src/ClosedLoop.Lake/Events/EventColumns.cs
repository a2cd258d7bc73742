using ClosedLoop.Core.Events;
using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// The columns of <c>lake/events</c> and a column-major buffer of rows for one row group.
/// Rows are appended one at a time and written column by column, as Parquet stores them.
/// </summary>
internal sealed class EventColumns
{
    // The schema is the contract other engines read; add columns at the end, never rename.
    private static readonly DataField<string> s_eventId = new("event_id");
    private static readonly DataField<long> s_eventKey = new("event_key");
    private static readonly DateTimeDataField s_timestamp = LakeTimestamp.Field("timestamp");
    private static readonly DateTimeDataField s_receivedAt = LakeTimestamp.Field("received_at");
    private static readonly DataField<string> s_type = new("type");
    private static readonly DataField<string> s_eventName = new("event", true);
    private static readonly DataField<string> s_anonymousId = new("anonymous_id", true);
    private static readonly DataField<string> s_userId = new("user_id", true);
    private static readonly DataField<string> s_email = new("email", true);
    private static readonly DataField<string> s_previousId = new("previous_id", true);
    private static readonly DataField<string> s_url = new("url", true);
    private static readonly DataField<string> s_pageHost = new("page_host", true);
    private static readonly DataField<string> s_pagePath = new("page_path", true);
    private static readonly DataField<string> s_referrer = new("referrer", true);
    private static readonly DataField<string> s_referrerHost = new("referrer_host", true);
    private static readonly DataField<string> s_source = new("source", true);
    private static readonly DataField<string> s_medium = new("medium", true);
    private static readonly DataField<string> s_campaign = new("campaign", true);
    private static readonly DataField<string> s_content = new("content", true);
    private static readonly DataField<string> s_term = new("term", true);
    private static readonly DataField<string> s_clickId = new("click_id", true);
    private static readonly DataField<string> s_clickIdType = new("click_id_type", true);
    private static readonly DataField<string> s_channel = new("channel");
    private static readonly DataField<bool> s_referralExcluded = new("referral_excluded");
    private static readonly DataField<string> s_userAgent = new("user_agent", true);
    private static readonly DataField<string> s_ip = new("ip", true);
    private static readonly DataField<double?> s_revenue = new("revenue", true);
    private static readonly DataField<string> s_currency = new("currency", true);
    private static readonly DataField<string> s_properties = new("properties", true);
    private static readonly DataField<bool> s_timestampClamped = new("timestamp_clamped");
    private static readonly DataField<string> s_warnings = new("warnings", true);

    public static readonly ParquetSchema Schema = new(
        s_eventId, s_eventKey, s_timestamp, s_receivedAt, s_type, s_eventName, s_anonymousId, s_userId, s_email,
        s_previousId, s_url, s_pageHost, s_pagePath, s_referrer, s_referrerHost, s_source, s_medium, s_campaign,
        s_content, s_term, s_clickId, s_clickIdType, s_channel, s_referralExcluded, s_userAgent, s_ip, s_revenue,
        s_currency, s_properties, s_timestampClamped, s_warnings);

    /// <summary>The field holding <see cref="EventKeys.Of"/> of the event id, read back for de-duplication.</summary>
    public static DataField<long> EventKeyField => s_eventKey;

    private const int InitialCapacity = 1024;

    private string[] _type = new string[InitialCapacity], _channel = new string[InitialCapacity];
    // Values shared by many rows (pooled by the parser and the enricher) stay strings: one object serves them all.
    private string?[] _eventName = new string?[InitialCapacity], _pageHost = new string?[InitialCapacity],
        _referrerHost = new string?[InitialCapacity], _source = new string?[InitialCapacity], _medium = new string?[InitialCapacity],
        _clickIdType = new string?[InitialCapacity], _userAgent = new string?[InitialCapacity], _currency = new string?[InitialCapacity];
    // Values unique to a row are kept as UTF-8 (see Utf8Column).
    private readonly Utf8Column _eventId = new(), _anonymousId = new(), _userId = new(), _email = new(), _previousId = new(),
        _url = new(), _pagePath = new(), _referrer = new(), _campaign = new(), _content = new(), _term = new(),
        _clickId = new(), _ip = new(), _properties = new(), _warnings = new();
    private long[] _eventKey = new long[InitialCapacity];
    private DateTime[] _timestamp = new DateTime[InitialCapacity], _receivedAt = new DateTime[InitialCapacity];
    private bool[] _referralExcluded = new bool[InitialCapacity], _timestampClamped = new bool[InitialCapacity];
    private double?[] _revenue = new double?[InitialCapacity];

    /// <summary>Rows buffered for the next row group.</summary>
    public int Count { get; private set; }

    // Buffers grow on demand: a load touching many day partitions should not pre-allocate a full row group for each.
    private void Grow()
    {
        var size = _eventKey.Length * 2;
        Array.Resize(ref _eventKey, size);
        Array.Resize(ref _timestamp, size);
        Array.Resize(ref _receivedAt, size);
        Array.Resize(ref _type, size);
        Array.Resize(ref _channel, size);
        Array.Resize(ref _eventName, size);
        Array.Resize(ref _pageHost, size);
        Array.Resize(ref _referrerHost, size);
        Array.Resize(ref _source, size);
        Array.Resize(ref _medium, size);
        Array.Resize(ref _clickIdType, size);
        Array.Resize(ref _userAgent, size);
        Array.Resize(ref _currency, size);
        Array.Resize(ref _referralExcluded, size);
        Array.Resize(ref _timestampClamped, size);
        Array.Resize(ref _revenue, size);
    }

    public void Add(EnrichedEvent e, long eventKey)
    {
        if (Count == _eventKey.Length)
            Grow();
        var i = Count++;
        _eventId.Add(e.EventId);
        _eventKey[i] = eventKey;
        _timestamp[i] = e.Timestamp;
        _receivedAt[i] = e.ReceivedAt;
        _type[i] = e.Type;
        _eventName[i] = e.EventName;
        _anonymousId.Add(e.AnonymousId);
        _userId.Add(e.UserId);
        _email.Add(e.Email);
        _previousId.Add(e.PreviousId);
        _url.Add(e.Url);
        _pageHost[i] = e.PageHost;
        _pagePath.Add(e.PagePath);
        _referrer.Add(e.Referrer);
        _referrerHost[i] = e.ReferrerHost;
        _source[i] = e.Source;
        _medium[i] = e.Medium;
        _campaign.Add(e.Campaign);
        _content.Add(e.Content);
        _term.Add(e.Term);
        _clickId.Add(e.ClickId);
        _clickIdType[i] = e.ClickIdType;
        _channel[i] = e.Channel;
        _referralExcluded[i] = e.ReferralExcluded;
        _userAgent[i] = e.UserAgent;
        _ip.Add(e.Ip);
        _revenue[i] = e.Revenue;
        _currency[i] = e.Currency;
        _properties.Add(e.PropertiesJson);
        _timestampClamped[i] = e.TimestampClamped;
        _warnings.Add(e.Warnings);
    }

    /// <summary>Writes the buffered rows as one row group and empties the buffer.</summary>
    public async Task WriteRowGroupAsync(ParquetWriter writer, CancellationToken ct)
    {
        var n = Count;
        if (n == 0)
            return;
        using (var group = writer.CreateRowGroup())
        {
            await _eventId.WriteAsync(group, s_eventId).ConfigureAwait(false);
            await group.WriteAsync<long>(s_eventKey, _eventKey.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(s_timestamp, _timestamp.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(s_receivedAt, _receivedAt.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync(s_type, new ArraySegment<string>(_type, 0, n)).ConfigureAwait(false);
            await WriteStrings(group, s_eventName, _eventName, n).ConfigureAwait(false);
            await _anonymousId.WriteAsync(group, s_anonymousId).ConfigureAwait(false);
            await _userId.WriteAsync(group, s_userId).ConfigureAwait(false);
            await _email.WriteAsync(group, s_email).ConfigureAwait(false);
            await _previousId.WriteAsync(group, s_previousId).ConfigureAwait(false);
            await _url.WriteAsync(group, s_url).ConfigureAwait(false);
            await WriteStrings(group, s_pageHost, _pageHost, n).ConfigureAwait(false);
            await _pagePath.WriteAsync(group, s_pagePath).ConfigureAwait(false);
            await _referrer.WriteAsync(group, s_referrer).ConfigureAwait(false);
            await WriteStrings(group, s_referrerHost, _referrerHost, n).ConfigureAwait(false);
            await WriteStrings(group, s_source, _source, n).ConfigureAwait(false);
            await WriteStrings(group, s_medium, _medium, n).ConfigureAwait(false);
            await _campaign.WriteAsync(group, s_campaign).ConfigureAwait(false);
            await _content.WriteAsync(group, s_content).ConfigureAwait(false);
            await _term.WriteAsync(group, s_term).ConfigureAwait(false);
            await _clickId.WriteAsync(group, s_clickId).ConfigureAwait(false);
            await WriteStrings(group, s_clickIdType, _clickIdType, n).ConfigureAwait(false);
            await group.WriteAsync(s_channel, new ArraySegment<string>(_channel, 0, n)).ConfigureAwait(false);
            await group.WriteAsync<bool>(s_referralExcluded, _referralExcluded.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            await WriteStrings(group, s_userAgent, _userAgent, n).ConfigureAwait(false);
            await _ip.WriteAsync(group, s_ip).ConfigureAwait(false);
            await group.WriteAsync<double>(s_revenue, _revenue.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            await WriteStrings(group, s_currency, _currency, n).ConfigureAwait(false);
            await _properties.WriteAsync(group, s_properties).ConfigureAwait(false);
            await group.WriteAsync<bool>(s_timestampClamped, _timestampClamped.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            await _warnings.WriteAsync(group, s_warnings).ConfigureAwait(false);
        }
    }

    private static Task WriteStrings(ParquetRowGroupWriter group, DataField<string> field, string?[] values, int n) =>
        group.WriteAsync(field, new ArraySegment<string?>(values, 0, n)!);
}
