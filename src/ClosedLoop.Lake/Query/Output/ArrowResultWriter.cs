using System.Data.Common;
using System.Numerics;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace ClosedLoop.Lake.Query.Output;

/// <summary>
/// Writes a query result as an Arrow IPC file. Types map as: integers to the same-width integer,
/// HUGEINT and DECIMAL to double, float and double as is, booleans, strings, DATE to date32, timestamps
/// to timestamp[us, UTC]; anything else (lists, structs, intervals, UUIDs) as its text.
/// </summary>
internal static class ArrowResultWriter
{
    private const int BatchSize = 64 * 1024;

    public static async Task<long> WriteAsync(DbDataReader reader, Stream output, CancellationToken ct)
    {
        if (output.CanSeek)
            return await WriteSeekableAsync(reader, output, ct).ConfigureAwait(false);
        // The IPC file footer needs a seekable stream (stdout is not): build it in a temporary file.
        var tempPath = Path.Combine(Path.GetTempPath(), $"closedloop-{Guid.NewGuid():N}.arrow");
        await using var temp = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var rows = await WriteSeekableAsync(reader, temp, ct).ConfigureAwait(false);
        temp.Position = 0;
        await temp.CopyToAsync(output, ct).ConfigureAwait(false);
        return rows;
    }

    /// <summary>The Arrow IPC streaming format (no footer, so any stream will do): what HTTP clients read.</summary>
    public static Task<long> WriteStreamAsync(DbDataReader reader, Stream output, CancellationToken ct) =>
        WriteIpcAsync(reader, output, fileFormat: false, ct);

    private static Task<long> WriteSeekableAsync(DbDataReader reader, Stream output, CancellationToken ct) =>
        WriteIpcAsync(reader, output, fileFormat: true, ct);

    private static async Task<long> WriteIpcAsync(DbDataReader reader, Stream output, bool fileFormat, CancellationToken ct)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => ArrowColumn.For(reader.GetFieldType(i))).ToArray();
        var schemaBuilder = new Schema.Builder();
        for (var i = 0; i < columns.Length; i++)
        {
            var type = columns[i].Type;
            schemaBuilder.Field(f => f.Name(reader.GetName(i)).DataType(type).Nullable(true));
        }
        var schema = schemaBuilder.Build();

        using var writer = fileFormat ? new ArrowFileWriter(output, schema, leaveOpen: true) : new ArrowStreamWriter(output, schema, leaveOpen: true);
        if (writer is ArrowFileWriter fileWriter)
            await fileWriter.WriteStartAsync(ct).ConfigureAwait(false);
        long rows = 0;
        var inBatch = 0;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            for (var i = 0; i < columns.Length; i++)
                columns[i].Append(reader.IsDBNull(i) ? null : reader.GetValue(i));
            rows++;
            if (++inBatch == BatchSize)
            {
                await WriteBatchAsync(writer, schema, columns, inBatch, ct).ConfigureAwait(false);
                inBatch = 0;
            }
        }
        // A file with no batch is valid IPC, but readers handle one empty batch more uniformly.
        if (inBatch > 0 || rows == 0)
            await WriteBatchAsync(writer, schema, columns, inBatch, ct).ConfigureAwait(false);
        await writer.WriteEndAsync(ct).ConfigureAwait(false);
        return rows;
    }

    private static async Task WriteBatchAsync(ArrowStreamWriter writer, Schema schema, ArrowColumn[] columns, int length, CancellationToken ct)
    {
        using var batch = new RecordBatch(schema, columns.Select(c => c.Build()), length);
        await writer.WriteRecordBatchAsync(batch, ct).ConfigureAwait(false);
    }

    /// <summary>One column's builder; <see cref="Build"/> returns the array so far and starts a new one.</summary>
    private abstract class ArrowColumn
    {
        public abstract IArrowType Type { get; }
        public abstract void Append(object? value);
        public abstract IArrowArray Build();

        public static ArrowColumn For(Type type)
        {
            if (type == typeof(bool))
                return new Typed<BooleanArray.Builder, BooleanArray>(BooleanType.Default, () => new(), (b, v) => b.Append((bool)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(sbyte))
                return new Typed<Int8Array.Builder, Int8Array>(Int8Type.Default, () => new(), (b, v) => b.Append((sbyte)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(short))
                return new Typed<Int16Array.Builder, Int16Array>(Int16Type.Default, () => new(), (b, v) => b.Append((short)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(int))
                return new Typed<Int32Array.Builder, Int32Array>(Int32Type.Default, () => new(), (b, v) => b.Append((int)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(long))
                return new Typed<Int64Array.Builder, Int64Array>(Int64Type.Default, () => new(), (b, v) => b.Append((long)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(byte))
                return new Typed<UInt8Array.Builder, UInt8Array>(UInt8Type.Default, () => new(), (b, v) => b.Append((byte)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(ushort))
                return new Typed<UInt16Array.Builder, UInt16Array>(UInt16Type.Default, () => new(), (b, v) => b.Append((ushort)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(uint))
                return new Typed<UInt32Array.Builder, UInt32Array>(UInt32Type.Default, () => new(), (b, v) => b.Append((uint)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(ulong))
                return new Typed<UInt64Array.Builder, UInt64Array>(UInt64Type.Default, () => new(), (b, v) => b.Append((ulong)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(float))
                return new Typed<FloatArray.Builder, FloatArray>(FloatType.Default, () => new(), (b, v) => b.Append((float)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(double) || type == typeof(decimal) || type == typeof(BigInteger))
                return new Typed<DoubleArray.Builder, DoubleArray>(DoubleType.Default, () => new(), (b, v) => b.Append(ToDouble(v)), b => b.AppendNull(), b => b.Build());
            if (type == typeof(DateOnly))
                return new Typed<Date32Array.Builder, Date32Array>(Date32Type.Default, () => new(), (b, v) => b.Append((DateOnly)v), b => b.AppendNull(), b => b.Build());
            if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
            {
                var ts = new TimestampType(TimeUnit.Microsecond, "UTC");
                return new Typed<TimestampArray.Builder, TimestampArray>(ts, () => new(ts), (b, v) => b.Append(ToInstant(v)), b => b.AppendNull(), b => b.Build());
            }
            return new Typed<StringArray.Builder, StringArray>(StringType.Default, () => new(), (b, v) => b.Append(v as string ?? ValueText.Format(v)), b => b.AppendNull(), b => b.Build());
        }

        private static double ToDouble(object value) => value switch
        {
            double d => d,
            decimal m => (double)m,
            BigInteger i => (double)i,
            _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        };

        // DuckDB TIMESTAMP (no zone) is read as UTC: the lake stores every instant in UTC.
        private static DateTimeOffset ToInstant(object value) => value switch
        {
            DateTimeOffset dto => dto,
            DateTime { Kind: DateTimeKind.Local } dt => new DateTimeOffset(dt.ToUniversalTime(), TimeSpan.Zero),
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc), TimeSpan.Zero),
            _ => throw new InvalidCastException($"not a timestamp: {value.GetType()}"),
        };
    }

    private sealed class Typed<TBuilder, TArray>(
        IArrowType type,
        Func<TBuilder> create,
        Action<TBuilder, object> append,
        Action<TBuilder> appendNull,
        Func<TBuilder, TArray> build) : ArrowColumn
        where TArray : IArrowArray
    {
        private TBuilder _builder = create();

        public override IArrowType Type => type;

        public override void Append(object? value)
        {
            if (value is null)
                appendNull(_builder);
            else
                append(_builder, value);
        }

        public override IArrowArray Build()
        {
            var array = build(_builder);
            _builder = create();
            return array;
        }
    }
}
