using ParquetSharp;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// The columns of <c>lake/events</c> and a column-major buffer of rows for one row group, filled from spilled
/// rows (<see cref="SpilledEventRow"/>), de-duplicated by event key, and written column by column, as Parquet stores them. One buffer is
/// reused for row group after row group, so its arrays are allocated once rather than regrown for every group.
/// Written with ParquetSharp (Apache Arrow's C++ Parquet writer): its byte-array columns take the buffered UTF-8
/// as it is, where Parquet.Net wanted every value as UTF-16 to encode back to UTF-8, hash for its dictionary and
/// compress in managed code; that was 28% of a load's CPU (see bench/RESULTS.md).
/// </summary>
internal sealed class EventColumns
{
    /// <summary>The column holding <see cref="EventKeys.Of"/> of the event id, read back for de-duplication.</summary>
    public const string EventKeyColumn = "event_key";

    /// <summary>The string columns, in the order of <see cref="SpilledEventRow.StringValues"/>.</summary>
    private static readonly string[] s_stringColumns =
    [
        "event_id", "type", "event", "anonymous_id", "user_id", "email", "previous_id", "url", "page_host", "page_path",
        "referrer", "referrer_host", "source", "medium", "campaign", "content", "term", "click_id", "click_id_type",
        "channel", "user_agent", "ip", "currency", "properties", "warnings",
    ];

    // The schema is the contract other engines read; add columns at the end, never rename.
    private static readonly string[] s_fileOrder =
    [
        "event_id", EventKeyColumn, "timestamp", "received_at", "type", "event", "anonymous_id", "user_id", "email",
        "previous_id", "url", "page_host", "page_path", "referrer", "referrer_host", "source", "medium", "campaign",
        "content", "term", "click_id", "click_id_type", "channel", "referral_excluded", "user_agent", "ip", "revenue",
        "currency", "properties", "timestamp_clamped", "warnings",
    ];

    /// <summary>
    /// The file schema. Timestamps are INT64 milliseconds (see <see cref="LakeTimestamp"/>) marked as not adjusted
    /// to UTC: DuckDB reads a UTC-adjusted timestamp as TIMESTAMP WITH TIME ZONE, and the lake's are plain
    /// TIMESTAMP values that hold UTC, as in the files Parquet.Net wrote before.
    /// </summary>
    public static readonly Column[] Schema = s_fileOrder.Select(name => name switch
    {
        EventKeyColumn => new Column<long>(name),
        "timestamp" or "received_at" => new Column<DateTime>(name, LogicalType.Timestamp(isAdjustedToUtc: false, TimeUnit.Millis)),
        "referral_excluded" or "timestamp_clamped" => new Column<bool>(name),
        "revenue" => new Column<double?>(name),
        _ => (Column)new Column<string>(name),
    }).ToArray();

    /// <summary>
    /// Zstd level 1, as every other lake file (<see cref="LakeParquetOptions"/>). Every column may be
    /// dictionary-encoded but the unique ones; the writer falls back to plain pages when a dictionary outgrows its
    /// page (1 MiB), so a column with many distinct values costs little.
    /// </summary>
    public static WriterProperties NewWriterProperties() => new WriterPropertiesBuilder()
        .Compression(Compression.Zstd)
        .CompressionLevel(1)
        .EnableDictionary()
        .DisableDictionary("event_id")
        .DisableDictionary(EventKeyColumn)
        .CreatedBy("ClosedLoop")
        .Build();

    private readonly Utf8Column[] _strings = s_stringColumns.Select(_ => new Utf8Column()).ToArray();
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

    /// <summary>Writes the buffered rows as one row group, its columns in <see cref="Schema"/> order.</summary>
    public void WriteRowGroup(ParquetFileWriter writer)
    {
        var n = Count;
        if (n == 0)
            return;
        using var group = writer.AppendRowGroup();
        foreach (var name in s_fileOrder)
        {
            using var column = group.NextColumn();
            switch (name)
            {
                case EventKeyColumn:
                    ((ColumnWriter<long>)column).WriteBatch(_eventKey.AsSpan(0, n));
                    break;
                case "timestamp":
                    ((ColumnWriter<long>)column).WriteBatch(UnixMilliseconds(_timestamp.AsSpan(0, n)));
                    break;
                case "received_at":
                    ((ColumnWriter<long>)column).WriteBatch(UnixMilliseconds(_receivedAt.AsSpan(0, n)));
                    break;
                case "referral_excluded":
                    ((ColumnWriter<bool>)column).WriteBatch(_referralExcluded.AsSpan(0, n));
                    break;
                case "timestamp_clamped":
                    ((ColumnWriter<bool>)column).WriteBatch(_timestampClamped.AsSpan(0, n));
                    break;
                case "revenue":
                    WriteRevenue((ColumnWriter<double>)column, n);
                    break;
                default:
                    _strings[Array.IndexOf(s_stringColumns, name)].Write((ColumnWriter<ByteArray>)column, _writeBuffers);
                    break;
            }
        }
    }

    private const long UnixEpochMilliseconds = 62_135_596_800_000;

    /// <summary>
    /// Milliseconds since the Unix epoch, rounded down, in a buffer reused by the next call. Ticks count from year 1
    /// and are never negative, so dividing them rounds down before 1970 too (as <c>ToUnixTimeMilliseconds</c> does).
    /// </summary>
    private ReadOnlySpan<long> UnixMilliseconds(ReadOnlySpan<DateTime> values)
    {
        var millis = Utf8Column.EnsureLength(ref _writeBuffers.Longs, values.Length);
        for (var i = 0; i < values.Length; i++)
            millis[i] = values[i].Ticks / TimeSpan.TicksPerMillisecond - UnixEpochMilliseconds;
        return millis.AsSpan(0, values.Length);
    }

    private void WriteRevenue(ColumnWriter<double> column, int n)
    {
        var levels = Utf8Column.EnsureLength(ref _writeBuffers.Levels, n);
        var values = Utf8Column.EnsureLength(ref _writeBuffers.Doubles, n);
        var present = 0;
        for (var i = 0; i < n; i++)
        {
            levels[i] = (short)(_revenue[i] is null ? 0 : 1);
            if (_revenue[i] is { } revenue)
                values[present++] = revenue;
        }
        column.WriteBatch(n, levels.AsSpan(0, n), default, values.AsSpan(0, present));
    }
}
