using System.Text;
using Parquet;
using Parquet.Schema;

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
    /// Writes the column. Values go to Parquet.Net as slices of one decoded char buffer, with definition levels
    /// for nulls, so writing a row group allocates no string per value; 2.7M short-lived strings per row group
    /// were what let the GC heap grow past a gigabyte.
    /// </summary>
    public async Task WriteAsync(ParquetRowGroupWriter group, DataField<string> field, WriteBuffers buffers, CancellationToken ct)
    {
        var chars = EnsureLength(ref buffers.Chars, Encoding.UTF8.GetMaxCharCount(_used));
        var values = EnsureLength(ref buffers.Values, Count);
        var levels = EnsureLength(ref buffers.Levels, Count);
        int used = 0, present = 0;
        for (var i = 0; i < Count; i++)
        {
            if (_lengths[i] < 0)
            {
                levels[i] = 0;
                continue;
            }
            levels[i] = 1;
            var length = Encoding.UTF8.GetChars(_bytes.AsSpan(_offsets[i], _lengths[i]), chars.AsSpan(used));
            values[present++] = chars.AsMemory(used, length);
            used += length;
        }
        ReadOnlyMemory<int>? definitionLevels = field.IsNullable ? levels.AsMemory(0, Count) : null;
        await group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, present), definitionLevels, null, ct).ConfigureAwait(false);
    }

    private static T[] EnsureLength<T>(ref T[] array, int length)
    {
        if (array.Length < length)
            array = new T[Math.Max(length, array.Length * 2)];
        return array;
    }

    /// <summary>What writing a column needs for a moment; one set serves all the columns of a row group in turn.</summary>
    public sealed class WriteBuffers
    {
        public char[] Chars = [];
        public ReadOnlyMemory<char>[] Values = [];
        public int[] Levels = [];
    }
}
