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
}
