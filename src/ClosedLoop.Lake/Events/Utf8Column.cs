using System.Buffers;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// A string column buffered as UTF-8 bytes in one growing array instead of one .NET string per row.
/// Rows wait in memory until their row group is written; as strings they would survive into the GC's old
/// generations and be copied and scanned there, which cost more than the whole Parquet encoding. Strings are
/// made again only while their column is being written, and die young.
/// </summary>
internal sealed class Utf8Column
{
    private byte[] _bytes = new byte[16 * 1024];
    private int[] _offsets = new int[1024];
    private int[] _lengths = new int[1024];
    private int _used;

    public int Count { get; private set; }

    public void Add(string? value)
    {
        if (Count == _offsets.Length)
        {
            Array.Resize(ref _offsets, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        if (value is null)
        {
            _offsets[Count] = _used;
            _lengths[Count++] = -1;
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_used + max > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + max));
        var written = Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_used));
        _offsets[Count] = _used;
        _lengths[Count++] = written;
        _used += written;
    }

    public async Task WriteAsync(ParquetRowGroupWriter group, DataField<string> field)
    {
        var values = ArrayPool<string?>.Shared.Rent(Count);
        try
        {
            for (var i = 0; i < Count; i++)
                values[i] = _lengths[i] < 0 ? null : Encoding.UTF8.GetString(_bytes, _offsets[i], _lengths[i]);
            await group.WriteAsync(field, new ArraySegment<string?>(values, 0, Count)!).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<string?>.Shared.Return(values, clearArray: true);
        }
    }
}
