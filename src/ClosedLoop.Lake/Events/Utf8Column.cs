using System.Buffers;
using System.Text;
using ClosedLoop.Core.Enrichment;
using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// A string column buffered as UTF-8 bytes in one growing array instead of one .NET string per row.
/// Strings are made only while the column is being written, and die young; columns with few distinct values
/// take them from a <see cref="StringPool"/> so each value is one object.
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

    public async Task WriteAsync(ParquetRowGroupWriter group, DataField<string> field, StringPool? pool)
    {
        var values = ArrayPool<string?>.Shared.Rent(Count);
        try
        {
            for (var i = 0; i < Count; i++)
            {
                var bytes = _bytes.AsSpan(_offsets[i], Math.Max(0, _lengths[i]));
                values[i] = _lengths[i] < 0 ? null : pool is not null ? pool.Intern(bytes) : Encoding.UTF8.GetString(bytes);
            }
            await group.WriteAsync(field, new ArraySegment<string?>(values, 0, Count)!).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<string?>.Shared.Return(values, clearArray: true);
        }
    }
}
