using System.Text;
using ClosedLoop.Lake.Csv;

namespace ClosedLoop.IntegrationTests.Crm;

public sealed class CsvRecordReaderTests
{
    private static List<CsvRecord> Read(string csv, out CsvHeader header)
    {
        using var reader = new CsvRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        header = reader.Header;
        return [.. reader.ReadRecords()];
    }

    [Fact]
    public void Fields_by_case_insensitive_header_name_with_line_and_raw_text()
    {
        var records = Read("Id,Name\r\n1,\"Lovelace, Ada\"\r\n2,\"say \"\"hi\"\"\"\r\n", out var header);

        Assert.Equal(["Id", "Name"], header.Names);
        Assert.Equal(2, records.Count);
        Assert.Equal("Lovelace, Ada", records[0]["name"]);
        Assert.Equal("say \"hi\"", records[1]["NAME"]);
        Assert.Equal(3, records[1].Line);
        Assert.Equal("1,\"Lovelace, Ada\"", records[0].Raw);
        Assert.Null(records[0]["missing"]);
    }

    [Fact]
    public void Malformed_records_come_back_as_bad_and_reading_continues()
    {
        var records = Read("a,b\n1,2\n3,\"open\n4,5,6\n7,8\n", out _);

        Assert.Equal([2L, 3L, 4L, 5L], records.Select(r => r.Line));
        Assert.False(records[0].IsBad);
        Assert.Contains("unclosed quote", records[1].Error);
        Assert.Equal("3,\"open", records[1].Raw);
        Assert.Contains("field count", records[2].Error);
        Assert.Equal("8", records[3]["b"]);
    }
}
