using Parquet;
using Parquet.Schema;

namespace ClosedLoop.Lake.Crm;

/// <summary>
/// Writes rows of a <see cref="LakeColumn"/> schema into one new Parquet file: built in
/// <c>lake/_staging</c> in row groups of bounded size, moved into the table directory on <see cref="CommitAsync"/>.
/// </summary>
internal sealed class LakeTableWriter : IAsyncDisposable
{
    private const int RowGroupSize = 100_000;

    private readonly IReadOnlyList<LakeColumn> _columns;
    private readonly DataField[] _fields;
    private readonly ParquetSchema _schema;
    private readonly string _stagingPath;
    private readonly string _finalPath;
    private readonly List<object?[]> _rows = [];
    private FileStream? _stream;
    private ParquetWriter? _writer;

    public LakeTableWriter(LakeLayout lake, string directory, IReadOnlyList<LakeColumn> columns)
    {
        _columns = columns;
        _fields = [.. columns.Select(ToField)];
        _schema = new ParquetSchema(_fields);
        var name = LakeLayout.NewFileName();
        _stagingPath = Path.Combine(lake.Staging, name);
        _finalPath = Path.Combine(directory, name);
    }

    public long RowCount { get; private set; }

    /// <summary>Where the file lands after <see cref="CommitAsync"/>.</summary>
    public string FinalPath => _finalPath;

    public async Task AddAsync(object?[] row, CancellationToken ct)
    {
        _rows.Add(row);
        RowCount++;
        if (_rows.Count >= RowGroupSize)
            await FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Finishes the file and moves it into place; returns false (and writes nothing) when no row was added.</summary>
    public async Task<bool> CommitAsync(CancellationToken ct)
    {
        if (RowCount == 0)
            return false;
        await FlushAsync(ct).ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(_finalPath)!);
        File.Move(_stagingPath, _finalPath);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        if (File.Exists(_stagingPath))
            File.Delete(_stagingPath); // not committed: a failed load leaves nothing behind
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_rows.Count == 0)
            return;
        if (_writer is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_stagingPath)!);
            _stream = File.Create(_stagingPath);
            _writer = await ParquetWriter.CreateAsync(_schema, _stream, LakeParquetOptions.Create(), cancellationToken: ct).ConfigureAwait(false);
        }
        using (var group = _writer.CreateRowGroup())
        {
            for (var c = 0; c < _columns.Count; c++)
                await WriteColumnAsync(group, c, ct).ConfigureAwait(false);
        }
        _rows.Clear();
    }

    private async Task WriteColumnAsync(ParquetRowGroupWriter group, int c, CancellationToken ct)
    {
        var field = _fields[c];
        switch (_columns[c].Type)
        {
            case LakeColumnType.String:
                await group.WriteAsync(field, _rows.Select(r => (string?)r[c]).ToArray()).ConfigureAwait(false);
                break;
            case LakeColumnType.Timestamp:
                await group.WriteAsync<DateTime>(field, _rows.Select(r => (DateTime?)r[c]).ToArray().AsMemory(), cancellationToken: ct).ConfigureAwait(false);
                break;
            case LakeColumnType.Date:
                await group.WriteAsync<DateOnly>(field, _rows.Select(r => (DateOnly?)r[c]).ToArray().AsMemory(), cancellationToken: ct).ConfigureAwait(false);
                break;
            case LakeColumnType.Decimal:
                await group.WriteAsync<decimal>(field, _rows.Select(r => (decimal?)r[c]).ToArray().AsMemory(), cancellationToken: ct).ConfigureAwait(false);
                break;
            case LakeColumnType.Long:
                await group.WriteAsync<long>(field, _rows.Select(r => (long?)r[c]).ToArray().AsMemory(), cancellationToken: ct).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"unknown column type {_columns[c].Type}");
        }
    }

    private async Task CloseAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _stream = null;
        }
    }

    private static DataField ToField(LakeColumn column) => column.Type switch
    {
        LakeColumnType.String => new DataField<string>(column.Name, true),
        LakeColumnType.Timestamp => LakeTimestamp.Field(column.Name, nullable: true),
        LakeColumnType.Date => new DataField<DateOnly?>(column.Name, true),
        LakeColumnType.Decimal => new DecimalDataField(column.Name, 18, 4, isNullable: true),
        LakeColumnType.Long => new DataField<long?>(column.Name, true),
        _ => throw new InvalidOperationException($"unknown column type {column.Type}"),
    };
}
