using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClosedLoop.Core;
using ClosedLoop.Lake.Csv;

namespace ClosedLoop.Lake.Crm;

/// <summary>Reads CSV or NDJSON input into <see cref="CrmInputRow"/>s bound to one table's fields.</summary>
internal static class CrmRowSource
{
    // Unicode kept readable in the properties column; it is data, not HTML.
    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEnumerable<CrmInputRow> ReadCsv(CrmTable table, Stream input, string displayName)
    {
        using var reader = new CsvRecordReader(input);
        var header = reader.Header.Names;
        var binding = new int[header.Count];
        var bound = new HashSet<int>();
        for (var i = 0; i < header.Count; i++)
        {
            binding[i] = table.FieldIndex(header[i]);
            if (binding[i] >= 0)
                bound.Add(binding[i]);
        }
        foreach (var group in table.RequiredFields)
        {
            if (!group.Any(name => bound.Contains(table.FieldIndexOf(name))))
            {
                var wanted = string.Join(" or ", group.Select(n => $"'{n}'"));
                var seen = header.Count == 0 ? "(none: the file is empty)" : string.Join(", ", header.Select(h => $"'{h}'"));
                throw new UserInputException($"{displayName}: the header has no {wanted} column for {table.Kind}; columns seen: {seen}");
            }
        }

        var row = new CrmInputRow(table.Fields.Count);
        var properties = new ArrayBufferWriter<byte>();
        foreach (var record in reader.ReadRecords())
        {
            row.Clear();
            row.Line = record.Line;
            row.Raw = record.Raw;
            if (record.IsBad)
            {
                row.Error = record.Error;
                yield return row;
                continue;
            }
            Utf8JsonWriter? json = null;
            for (var i = 0; i < header.Count; i++)
            {
                if (binding[i] >= 0)
                {
                    row.Set(binding[i], header[i], record[i]);
                }
                else if (table.KeepsProperties && record[i].Length > 0 && header[i].Length > 0)
                {
                    json ??= StartObject(properties);
                    json.WriteString(header[i], record[i]);
                }
            }
            row.PropertiesJson = EndObject(json, properties);
            yield return row;
        }
    }

    public static IEnumerable<CrmInputRow> ReadNdjson(CrmTable table, Stream input)
    {
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var row = new CrmInputRow(table.Fields.Count);
        var properties = new ArrayBufferWriter<byte>();
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            row.Clear();
            row.Line = lineNumber;
            row.Raw = line;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                row.Error = $"invalid JSON: {ex.Message}";
                doc = null!;
            }
            if (row.Error is not null)
            {
                yield return row;
                continue;
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    row.Error = "not a JSON object";
                    yield return row;
                    continue;
                }
                Utf8JsonWriter? json = null;
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    var field = table.FieldIndex(property.Name);
                    if (field >= 0)
                    {
                        row.Set(field, property.Name, ScalarText(property.Value));
                    }
                    else if (table.KeepsProperties && property.Value.ValueKind != JsonValueKind.Null)
                    {
                        json ??= StartObject(properties);
                        if (property.Name == "properties" && property.Value.ValueKind == JsonValueKind.Object)
                        {
                            // A nested "properties" object is flattened into ours rather than nested twice.
                            foreach (var inner in property.Value.EnumerateObject())
                                inner.WriteTo(json);
                        }
                        else
                        {
                            property.WriteTo(json);
                        }
                    }
                }
                row.PropertiesJson = EndObject(json, properties);
            }
            yield return row;
        }
    }

    private static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static Utf8JsonWriter StartObject(ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        var writer = new Utf8JsonWriter(buffer, s_jsonOptions);
        writer.WriteStartObject();
        return writer;
    }

    private static string? EndObject(Utf8JsonWriter? writer, ArrayBufferWriter<byte> buffer)
    {
        if (writer is null)
            return null;
        writer.WriteEndObject();
        writer.Flush();
        writer.Dispose();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
