using System.Globalization;
using System.Text;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>A minimal RFC 4180 writer: LF line ends, quotes only where a field needs them, invariant formats.</summary>
internal sealed class CsvTableWriter : IDisposable
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly StreamWriter _writer;
    private bool _firstField = true;

    public CsvTableWriter(string path, string header)
    {
        Path = path;
        _writer = new StreamWriter(path, append: false, s_utf8, bufferSize: 1 << 16) { NewLine = "\n" };
        _writer.WriteLine(header);
    }

    public string Path { get; }

    /// <summary>Data rows written (the header not counted).</summary>
    public long Rows { get; private set; }

    public CsvTableWriter Field(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
            return this;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _writer.Write(value);
            return this;
        }
        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
        return this;
    }

    public CsvTableWriter Field(long value)
    {
        Separator();
        _writer.Write(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public CsvTableWriter Field(decimal value)
    {
        Separator();
        _writer.Write(value.ToString("0.00", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>A UTC time to the second, or an empty field for -1 (a stage not reached).</summary>
    public CsvTableWriter Time(long unixMs)
    {
        Separator();
        if (unixMs >= 0)
            _writer.Write(DateTime.UnixEpoch.AddMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        return this;
    }

    public void EndRow()
    {
        _writer.Write('\n');
        _firstField = true;
        Rows++;
    }

    private void Separator()
    {
        if (!_firstField)
            _writer.Write(',');
        _firstField = false;
    }

    public void Dispose() => _writer.Dispose();
}
