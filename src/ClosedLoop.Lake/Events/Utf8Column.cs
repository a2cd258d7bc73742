using ParquetSharp;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// A string column buffered as UTF-8 bytes in one growing array instead of one .NET string per row.
/// Buffers are kept for the next row group.
/// </summary>
internal sealed class Utf8Column
{
    private byte[] _bytes = new byte[16 * 1024];
    private int[] _offsets = new int[1024];
    private int[] _lengths = new int[1024];
    private int _used;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> utf8)
    {
        EnsureRow();
        if (_used + utf8.Length > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + utf8.Length));
        utf8.CopyTo(_bytes.AsSpan(_used));
        _offsets[Count] = _used;
        _lengths[Count++] = utf8.Length;
        _used += utf8.Length;
    }

    public void AddNull()
    {
        EnsureRow();
        _offsets[Count] = _used;
        _lengths[Count++] = -1;
    }

    private void EnsureRow()
    {
        if (Count == _offsets.Length)
        {
            Array.Resize(ref _offsets, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
    }

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    /// <summary>
    /// Writes the column: each value goes to the writer as a pointer into the pinned buffer, with definition levels
    /// for nulls, so writing allocates nothing per value and converts nothing; the writer copies the bytes it encodes.
    /// </summary>
    public unsafe void Write(ColumnWriter<ByteArray> writer, WriteBuffers buffers)
    {
        var values = EnsureLength(ref buffers.Values, Count);
        var levels = EnsureLength(ref buffers.Levels, Count);
        fixed (byte* bytes = _bytes)
        {
            var present = 0;
            for (var i = 0; i < Count; i++)
            {
                if (_lengths[i] < 0)
                {
                    levels[i] = 0;
                    continue;
                }
                levels[i] = 1;
                values[present++] = new ByteArray((nint)(bytes + _offsets[i]), _lengths[i]);
            }
            writer.WriteBatch(Count, levels.AsSpan(0, Count), default, values.AsSpan(0, present));
        }
    }

    public static T[] EnsureLength<T>(ref T[] array, int length)
    {
        if (array.Length < length)
            array = new T[Math.Max(length, array.Length * 2)];
        return array;
    }

    /// <summary>What writing a column needs for a moment; one set serves all the columns of a row group in turn.</summary>
    public sealed class WriteBuffers
    {
        public ByteArray[] Values = [];
        public short[] Levels = [];
        public long[] Longs = [];
        public double[] Doubles = [];
    }
}
