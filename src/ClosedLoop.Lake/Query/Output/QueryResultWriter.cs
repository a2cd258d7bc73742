using System.Data.Common;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClosedLoop.Core;

namespace ClosedLoop.Lake.Query.Output;

/// <summary>
/// Writes a query result in one of the text formats or as Arrow IPC. Used by <c>closedloop sql</c> and
/// meant for every command and endpoint that returns rows. Parquet goes through
/// <see cref="LakeDatabase.CopyToParquet"/> (DuckDB's writer) instead.
/// </summary>
public static class QueryResultWriter
{
    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes every row of <paramref name="reader"/>; returns the row count. SQL errors while reading become <see cref="UserInputException"/>.</summary>
    public static async Task<long> WriteAsync(DbDataReader reader, QueryOutputFormat format, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            switch (format)
            {
                case QueryOutputFormat.Table:
                    return await WriteTableAsync(reader, output, ct).ConfigureAwait(false);
                case QueryOutputFormat.Csv:
                    return await WriteCsvAsync(reader, output, ct).ConfigureAwait(false);
                case QueryOutputFormat.Json:
                    return await WriteJsonAsync(reader, output, ct).ConfigureAwait(false);
                case QueryOutputFormat.Arrow:
                    return await ArrowResultWriter.WriteAsync(reader, output, ct).ConfigureAwait(false);
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "parquet is written by LakeDatabase.CopyToParquet");
            }
        }
        catch (DbException ex)
        {
            throw LakeDatabase.SqlError(ex);
        }
    }

    /// <summary>
    /// An Arrow IPC stream (<c>application/vnd.apache.arrow.stream</c>); <see cref="QueryOutputFormat.Arrow"/> is
    /// the IPC file format. SQL errors while reading become <see cref="UserInputException"/>.
    /// </summary>
    public static async Task<long> WriteArrowStreamAsync(DbDataReader reader, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            return await ArrowResultWriter.WriteStreamAsync(reader, output, ct).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw LakeDatabase.SqlError(ex);
        }
    }

    /// <summary>RFC 4180: header row, CRLF line ends, fields quoted when they hold a separator, quote or line break; null is an empty field.</summary>
    public static async Task<long> WriteCsvAsync(DbDataReader reader, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var sb = new StringBuilder();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (i > 0)
                sb.Append(',');
            AppendCsvField(sb, reader.GetName(i));
        }
        await writer.WriteAsync(sb.Append("\r\n"), ct).ConfigureAwait(false);
        long rows = 0;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            sb.Clear();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (i > 0)
                    sb.Append(',');
                if (!reader.IsDBNull(i))
                    AppendCsvField(sb, ValueText.Format(reader.GetValue(i)));
            }
            await writer.WriteAsync(sb.Append("\r\n"), ct).ConfigureAwait(false);
            rows++;
        }
        return rows;
    }

    /// <summary>An array of objects, one per row, keyed by column name; numbers as numbers, times as ISO-8601 strings, nulls as null.</summary>
    public static async Task<long> WriteJsonAsync(DbDataReader reader, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        await using var json = new Utf8JsonWriter(output, s_jsonOptions);
        var names = Enumerable.Range(0, reader.FieldCount).Select(i => JsonEncodedText.Encode(reader.GetName(i), s_jsonOptions.Encoder)).ToArray();
        json.WriteStartArray();
        long rows = 0;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            json.WriteStartObject();
            for (var i = 0; i < names.Length; i++)
            {
                json.WritePropertyName(names[i]);
                WriteJsonValue(json, reader.IsDBNull(i) ? null : reader.GetValue(i));
            }
            json.WriteEndObject();
            rows++;
            if (json.BytesPending > 1 << 16)
                await json.FlushAsync(ct).ConfigureAwait(false);
        }
        json.WriteEndArray();
        await json.FlushAsync(ct).ConfigureAwait(false);
        await output.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Aligned columns for reading at a terminal; the whole result is held to size the columns.</summary>
    public static async Task<long> WriteTableAsync(DbDataReader reader, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var count = reader.FieldCount;
        var names = Enumerable.Range(0, count).Select(reader.GetName).ToArray();
        var numeric = Enumerable.Range(0, count).Select(i => IsNumeric(reader.GetFieldType(i))).ToArray();
        var widths = names.Select(n => n.Length).ToArray();
        var rows = new List<string[]>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var row = new string[count];
            for (var i = 0; i < count; i++)
            {
                row[i] = reader.IsDBNull(i) ? "NULL" : OneLine(ValueText.Format(reader.GetValue(i)));
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
            rows.Add(row);
        }

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var sb = new StringBuilder();
        AppendRow(sb, names, widths, new bool[count]);
        await writer.WriteLineAsync(sb, ct).ConfigureAwait(false);
        sb.Clear();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                sb.Append("-+-");
            sb.Append('-', widths[i]);
        }
        await writer.WriteLineAsync(sb, ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            sb.Clear();
            AppendRow(sb, row, widths, numeric);
            await writer.WriteLineAsync(sb, ct).ConfigureAwait(false);
        }
        await writer.WriteLineAsync(rows.Count == 1 ? "(1 row)" : $"({rows.Count} rows)").ConfigureAwait(false);
        return rows.Count;
    }

    private static void AppendRow(StringBuilder sb, string[] cells, int[] widths, bool[] rightAlign)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
                sb.Append(" | ");
            if (rightAlign[i])
                sb.Append(' ', widths[i] - cells[i].Length).Append(cells[i]);
            else if (i < cells.Length - 1)
                sb.Append(cells[i]).Append(' ', widths[i] - cells[i].Length);
            else
                sb.Append(cells[i]);
        }
    }

    private static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
            : text;

    private static bool IsNumeric(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte)
        || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(double) || type == typeof(float)
        || type == typeof(decimal) || type == typeof(BigInteger);

    private static void AppendCsvField(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case long or int or short or sbyte or byte or ushort or uint or ulong or decimal or BigInteger:
                json.WriteRawValue(ValueText.Format(value));
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case string or DateTime or DateTimeOffset or DateOnly or TimeOnly or double or float or Guid or byte[]:
                json.WriteStringValue(ValueText.Format(value));
                break;
            default:
                // Lists, structs and maps: DuckDB.NET hands them over as .NET collections.
                JsonSerializer.Serialize(json, value, value.GetType());
                break;
        }
    }
}
