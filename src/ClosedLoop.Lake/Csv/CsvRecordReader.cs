using System.Text;
using CsvHelper;

namespace ClosedLoop.Lake.Csv;

/// <summary>One CSV record: good (fields by index or header name) or bad (<see cref="Error"/> says why).</summary>
public sealed class CsvRecord
{
    private readonly CsvHeader _header;
    private readonly string[] _fields;

    internal CsvRecord(CsvHeader header, long line, string raw, string[] fields, string? error)
    {
        _header = header;
        _fields = fields;
        Line = line;
        Raw = raw;
        Error = error;
    }

    /// <summary>1-based line of the input where the record starts (the header is line 1).</summary>
    public long Line { get; }

    /// <summary>The record as it appears in the input, without the line break.</summary>
    public string Raw { get; }

    /// <summary>Why the record is malformed (bad quoting, wrong field count), or null for a good record.</summary>
    public string? Error { get; }

    public bool IsBad => Error is not null;

    public int FieldCount => _fields.Length;

    /// <summary>Field <paramref name="index"/>; empty when the record is shorter.</summary>
    public string this[int index] => (uint)index < (uint)_fields.Length ? _fields[index] : "";

    /// <summary>The field under header <paramref name="name"/> (case-insensitive), or null when there is no such column.</summary>
    public string? this[string name] => _header.TryGetIndex(name, out var i) ? this[i] : null;
}

/// <summary>The header row of a CSV file: names in order and a case-insensitive index.</summary>
public sealed class CsvHeader
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    internal CsvHeader(IReadOnlyList<string> names)
    {
        Names = names;
        for (var i = 0; i < names.Count; i++)
            _index.TryAdd(names[i].Trim(), i); // the first of duplicated names wins
    }

    public IReadOnlyList<string> Names { get; }

    public bool TryGetIndex(string name, out int index) => _index.TryGetValue(name.Trim(), out index);
}

/// <summary>
/// Streams a CSV file with a header row. Malformed records (bad quoting, a field count that differs
/// from the header) come back as bad records with a reason instead of exceptions, and reading goes on.
/// </summary>
/// <remarks>
/// Quoted fields may not span lines by default: a single unclosed quote would otherwise swallow the
/// rest of the file. Pass <c>allowLineBreaksInQuotes: true</c> for exports known to hold multi-line text.
/// </remarks>
public sealed class CsvRecordReader : IDisposable
{
    private readonly CsvReader _reader;
    private readonly Queue<CsvRecord> _bad = new();
    private CsvHeader? _header;

    /// <param name="input">The CSV bytes (UTF-8, or UTF-16/32 with a byte order mark). Disposed with the reader.</param>
    /// <param name="separator">The field separator, or null to detect it (<c>,</c> <c>;</c> tab <c>|</c>) from the first lines.</param>
    /// <param name="allowLineBreaksInQuotes">Whether a quoted field may contain line breaks (RFC 4180).</param>
    public CsvRecordReader(Stream input, char? separator = null, bool allowLineBreaksInQuotes = false)
    {
        var options = new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = true,
            AllowLineBreaksInQuotes = allowLineBreaksInQuotes,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = OnMalformed,
        };
        _reader = CsvReader.Create(input, options, false);
    }

    /// <summary>The header row; reads it on first use.</summary>
    public CsvHeader Header => _header ??= new CsvHeader([.. _reader.Headers]);

    /// <summary>Every record after the header, good and bad, in input order.</summary>
    public IEnumerable<CsvRecord> ReadRecords()
    {
        var header = Header;
        while (true)
        {
            var more = _reader.Read();
            while (_bad.Count > 0)
                yield return _bad.Dequeue();
            if (!more)
                yield break;

            var fields = new string[_reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
                fields[i] = _reader.GetString(i);
            yield return new CsvRecord(header, _reader.LineNumber, Encoding.UTF8.GetString(_reader.RawRecord), fields, null);
        }
    }

    public void Dispose() => _reader.Dispose();

    private void OnMalformed(CsvMalformedRecord record)
    {
        if (!record.Skipped)
            return; // recovered by the reader and returned as a normal record
        var header = _header ?? new CsvHeader([]);
        _bad.Enqueue(new CsvRecord(header, record.LineNumber, record.RawRecord, [], Describe(record)));
    }

    private string Describe(CsvMalformedRecord record) => record.Reason switch
    {
        CsvMalformedReason.UnterminatedQuote => "unclosed quote",
        CsvMalformedReason.LineBreakInQuotes => "unclosed quote (a quoted field runs past the end of the line)",
        CsvMalformedReason.StrayQuote => "stray quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a field",
        CsvMalformedReason.FieldCountMismatch => $"wrong field count: the header has {_header?.Names.Count} columns",
        _ => $"malformed CSV record ({record.Reason})",
    };
}
