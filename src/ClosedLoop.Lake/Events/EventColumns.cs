using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// The columns of <c>lake/events</c> and a column-major buffer of rows for one row group, filled from spilled
/// rows (<see cref="SpilledEventRow"/>), de-duplicated by event key, and written column by column, as Parquet stores them. One buffer is
/// reused for row group after row group, so its arrays are allocated once rather than regrown for every group.
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

    /// <summary>
    /// String columns with few distinct values per day (types, hosts, paths, campaign fields, channels, user agents):
    /// dictionary pages make them a fraction of their plain size and leave less for Zstd to compress.
    /// </summary>
    public static readonly string[] DictionaryEncoded =
    [
        "type", "event", "page_host", "page_path", "referrer_host", "source", "medium", "campaign", "content", "term",
        "click_id_type", "channel", "user_agent", "currency", "warnings", "properties", "url", "referrer", "anonymous_id", "ip", "click_id", "email", "user_id",
    ];

    /// <summary>The string fields in the order of <see cref="SpilledEventRow.StringValues"/>.</summary>
    private static readonly DataField<string>[] s_stringFields =
    [
        s_eventId, s_type, s_eventName, s_anonymousId, s_userId, s_email, s_previousId, s_url, s_pageHost, s_pagePath,
        s_referrer, s_referrerHost, s_source, s_medium, s_campaign, s_content, s_term, s_clickId, s_clickIdType,
        s_channel, s_userAgent, s_ip, s_currency, s_properties, s_warnings,
    ];

    /// <summary>The field holding <see cref="EventKeys.Of"/> of the event id, read back for de-duplication.</summary>
    public static DataField<long> EventKeyField => s_eventKey;

    private readonly Utf8Column[] _strings = s_stringFields.Select(_ => new Utf8Column()).ToArray();
    private byte[] _block = new byte[4 << 20];
    private readonly Utf8Column.WriteBuffers _writeBuffers = new();
    private long[] _eventKey = new long[1024];
    private DateTime[] _timestamp = new DateTime[1024], _receivedAt = new DateTime[1024];
    private bool[] _referralExcluded = new bool[1024], _timestampClamped = new bool[1024];
    private double?[] _revenue = new double?[1024];

    /// <summary>Rows buffered for the next row group.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Adds the rows of a spill file whose event key is not in <paramref name="keys"/> yet (adding their keys);
    /// returns how many rows were skipped as duplicates. The file is read in blocks, so only its rows' column
    /// values are held, not the file as well.
    /// </summary>
    public int AddSpillFile(string path, EventKeySet keys)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.SequentialScan);
        int filled = 0, duplicates = 0;
        while (true)
        {
            var read = file.Read(_block, filled, _block.Length - filled);
            filled += read;
            var consumed = 0;
            while (SpilledEventRow.TryGetRow(_block.AsSpan(consumed, filled - consumed), out var row, out var length))
            {
                if (!AddRow(row, keys))
                    duplicates++;
                consumed += length;
            }
            if (read == 0)
            {
                if (consumed != filled)
                    throw new InvalidDataException($"spill file {path} ends inside a row");
                return duplicates;
            }
            // Keep the partial row at the front; a row longer than the block grows it.
            _block.AsSpan(consumed, filled - consumed).CopyTo(_block);
            filled -= consumed;
            if (filled == _block.Length)
                Array.Resize(ref _block, _block.Length * 2);
        }
    }

    private bool AddRow(ReadOnlySpan<byte> row, EventKeySet keys)
    {
        var reader = new SpilledEventRow.Reader(row);
        if (Count == _eventKey.Length)
            Grow();
        var i = Count;
        reader.ReadFixed(out _eventKey[i], out _timestamp[i], out _receivedAt[i], out _referralExcluded[i], out _timestampClamped[i], out _revenue[i]);
        if (!keys.Add(_eventKey[i]))
            return false;
        foreach (var column in _strings)
        {
            if (reader.ReadString(out var utf8))
                column.Add(utf8);
            else
                column.AddNull();
        }
        Count++;
        return true;
    }

    private void Grow()
    {
        var size = _eventKey.Length * 2;
        Array.Resize(ref _eventKey, size);
        Array.Resize(ref _timestamp, size);
        Array.Resize(ref _receivedAt, size);
        Array.Resize(ref _referralExcluded, size);
        Array.Resize(ref _timestampClamped, size);
        Array.Resize(ref _revenue, size);
    }

    /// <summary>Empties the buffer, keeping its arrays for the next row group.</summary>
    public void Clear()
    {
        Count = 0;
        foreach (var column in _strings)
            column.Clear();
    }

    /// <summary>Writes the buffered rows as one row group.</summary>
    public async Task WriteRowGroupAsync(ParquetWriter writer, CancellationToken ct)
    {
        var n = Count;
        if (n == 0)
            return;
        using var group = writer.CreateRowGroup();
        foreach (var field in Schema.DataFields)
        {
            if (field is DataField<string> text)
            {
                var index = Array.IndexOf(s_stringFields, text);
                await _strings[index].WriteAsync(group, text, _writeBuffers, ct).ConfigureAwait(false);
            }
            else if (field == s_eventKey)
                await group.WriteAsync<long>(s_eventKey, _eventKey.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            else if (field == s_timestamp)
                await group.WriteAsync<DateTime>(s_timestamp, _timestamp.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            else if (field == s_receivedAt)
                await group.WriteAsync<DateTime>(s_receivedAt, _receivedAt.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            else if (field == s_referralExcluded)
                await group.WriteAsync<bool>(s_referralExcluded, _referralExcluded.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            else if (field == s_timestampClamped)
                await group.WriteAsync<bool>(s_timestampClamped, _timestampClamped.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            else if (field == s_revenue)
                await group.WriteAsync<double>(s_revenue, _revenue.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
            else
                throw new InvalidOperationException($"no buffer for column {field.Name}");
        }
    }
}
