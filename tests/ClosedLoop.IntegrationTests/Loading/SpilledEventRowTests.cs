using System.Text;
using ClosedLoop.Core.Events;
using ClosedLoop.Lake.Events;

namespace ClosedLoop.IntegrationTests.Loading;

public sealed class SpilledEventRowTests
{
    // Lengths around each length-marker boundary: one byte while even the longest UTF-8 form fits (40 chars),
    // two bytes up to 16k, the counted varint beyond; each as ASCII and as two- and three-byte characters.
    [Theory]
    [InlineData(0), InlineData(1), InlineData(40), InlineData(41), InlineData(42), InlineData(126), InlineData(127),
     InlineData(128), InlineData(5460), InlineData(5461), InlineData(20000)]
    public void Strings_of_every_length_read_back_as_written(int length)
    {
        foreach (var unit in new[] { "a", "é", "☃" })
        {
            var text = string.Concat(Enumerable.Repeat(unit, length));
            var e = new EnrichedEvent
            {
                EventId = "e1",
                Timestamp = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc),
                ReceivedAt = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc),
                Type = EventTypes.Page,
                Url = text,
                UserAgent = text + "!",
                Channel = "Direct",
            };
            var buffer = new byte[8];
            var end = SpilledEventRow.Write(e, ref buffer, 0);

            Assert.True(SpilledEventRow.TryGetRow(buffer.AsSpan(0, end), out var row, out var consumed));
            Assert.Equal(end, consumed);
            var reader = new SpilledEventRow.Reader(row);
            reader.ReadFixed(out _, out var timestamp, out _, out _, out _, out var revenue);
            Assert.Equal(e.Timestamp, timestamp);
            Assert.Null(revenue);
            var values = new List<string?>();
            for (var i = 0; i < SpilledEventRow.StringValues.Length; i++)
                values.Add(reader.ReadString(out var utf8) ? Encoding.UTF8.GetString(utf8) : null);
            Assert.Equal(SpilledEventRow.StringValues.Select(value => value(e)), values);
        }
    }

    [Fact]
    public void Rows_written_with_a_shared_table_read_back_the_same_values_and_store_each_repeated_value_once()
    {
        var shared = new SharedStrings();
        var cache = new SharedStrings.Cache(shared);
        var longAgent = new string('u', SharedStrings.MaxValueLength + 1);
        var events = Enumerable.Range(0, 3).Select(i => new EnrichedEvent
        {
            EventId = $"e{i}",
            Timestamp = new DateTime(2026, 3, 1, 10, i, 0, DateTimeKind.Utc),
            ReceivedAt = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc),
            Type = EventTypes.Page,
            Url = $"https://example.com/p{i}",
            PageHost = "example.com",
            // The same value as a new instance each time: the table finds it by content, not only by reference.
            Source = new string("google".AsSpan()),
            Medium = "organic",
            Channel = "Organic Search",
            UserAgent = i == 2 ? longAgent : "Mozilla/5.0 é",
            Revenue = i == 1 ? 12.5 : null,
        }).ToList();
        var buffer = new byte[8];
        var end = 0;
        foreach (var e in events)
            end = SpilledEventRow.Write(e, ref buffer, end, cache);

        // type, page_host, source, medium, channel and the short user agent, each once; the long agent inline.
        Assert.Equal(6, shared.Count);
        var offset = 0;
        foreach (var e in events)
        {
            Assert.True(SpilledEventRow.TryGetRow(buffer.AsSpan(offset, end - offset), out var row, out var consumed));
            offset += consumed;
            var reader = new SpilledEventRow.Reader(row, shared);
            reader.ReadFixed(out _, out var timestamp, out _, out _, out _, out var revenue);
            Assert.Equal(e.Timestamp, timestamp);
            Assert.Equal(e.Revenue, revenue);
            var values = new List<string?>();
            for (var i = 0; i < SpilledEventRow.StringValues.Length; i++)
                values.Add(reader.ReadString(out var utf8) ? Encoding.UTF8.GetString(utf8) : null);
            Assert.Equal(SpilledEventRow.StringValues.Select(value => value(e)), values);
        }
        Assert.Equal(end, offset);
    }

    [Fact]
    public void A_row_that_refers_to_shared_values_is_refused_by_a_reader_without_the_table()
    {
        var e = new EnrichedEvent
        {
            EventId = "e1",
            Timestamp = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc),
            ReceivedAt = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc),
            Type = EventTypes.Page,
            Channel = "Direct",
        };
        var buffer = new byte[8];
        var end = SpilledEventRow.Write(e, ref buffer, 0, new SharedStrings.Cache(new SharedStrings()));
        Assert.True(SpilledEventRow.TryGetRow(buffer.AsSpan(0, end), out _, out _));
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            SpilledEventRow.TryGetRow(buffer.AsSpan(0, end), out var row, out _);
            var reader = new SpilledEventRow.Reader(row);
            reader.ReadFixed(out _, out _, out _, out _, out _, out _);
        });
        Assert.Contains("shared values", error.Message);
    }
}
