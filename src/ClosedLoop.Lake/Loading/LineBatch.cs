using System.Buffers;

namespace ClosedLoop.Lake.Loading;

/// <summary>
/// A run of input lines copied into one pooled buffer, handed from the framer to the parsers so that
/// per-line work happens on whole batches instead of one channel hop per line.
/// </summary>
internal sealed class LineBatch : IDisposable
{
    public const int DefaultBytes = 1 << 20;

    private byte[] _buffer;
    private int _used;
    private readonly List<(int Offset, int Length, long LineNumber)> _lines = new(4096);

    public LineBatch(string file, int capacity = DefaultBytes)
    {
        File = file;
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    public string File { get; }
    public int Count => _lines.Count;
    public int BytesUsed => _used;
    public int Capacity => _buffer.Length;

    /// <summary>The batch is one whole JSON document (a <c>.json</c> file); line numbers come from offsets inside it.</summary>
    public bool IsWholeDocument { get; init; }

    /// <summary>The bytes the lines came from, for progress reporting (including newlines).</summary>
    public long InputBytes { get; set; }

    public bool HasRoomFor(long length) => _used + length <= _buffer.Length;

    public void Add(in ReadOnlySequence<byte> line, long lineNumber)
    {
        var length = (int)line.Length;
        if (!HasRoomFor(length))
            GrowFor(length);
        line.CopyTo(_buffer.AsSpan(_used));
        _lines.Add((_used, length, lineNumber));
        _used += length;
    }

    public ReadOnlySpan<byte> Line(int i, out long lineNumber)
    {
        var (offset, length, number) = _lines[i];
        lineNumber = number;
        return _buffer.AsSpan(offset, length);
    }

    private void GrowFor(int length)
    {
        // Only a single line longer than the batch gets here (the framer starts a new batch otherwise).
        var bigger = ArrayPool<byte>.Shared.Rent(_used + length);
        _buffer.AsSpan(0, _used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
