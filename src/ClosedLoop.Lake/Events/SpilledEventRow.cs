using System.Buffers.Binary;
using System.Text;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// One enriched event as the bytes of a day partition's spill file (see <see cref="PartitionedEventWriter"/>):
/// the row's length (so a file can be read back in blocks), the event key, the two timestamps as ticks, a flags byte, the revenue when present, then every string
/// column of <see cref="EventColumns"/> in schema order as a varint of (UTF-8 length + 1), 0 for null, and its bytes.
/// The ingest service's write-ahead log stores accepted events in this format too (behind a format byte, see
/// <c>WalRecord</c>), so a change to the layout needs a new format byte there while old logs may still be replayed.
/// </summary>
internal static class SpilledEventRow
{
    private const byte ReferralExcluded = 1, TimestampClamped = 2, HasRevenue = 4;

    /// <summary>The string columns, in the order a row stores them and <see cref="EventColumns"/> indexes them.</summary>
    public static readonly Func<EnrichedEvent, string?>[] StringValues =
    [
        e => e.EventId, e => e.Type, e => e.EventName, e => e.AnonymousId, e => e.UserId, e => e.Email, e => e.PreviousId,
        e => e.Url, e => e.PageHost, e => e.PagePath, e => e.Referrer, e => e.ReferrerHost, e => e.Source, e => e.Medium,
        e => e.Campaign, e => e.Content, e => e.Term, e => e.ClickId, e => e.ClickIdType, e => e.Channel, e => e.UserAgent,
        e => e.Ip, e => e.Currency, e => e.PropertiesJson, e => e.Warnings,
    ];

    /// <summary>Appends the row to <paramref name="buffer"/> from <paramref name="offset"/> on (growing it); returns the new end.</summary>
    public static int Write(EnrichedEvent e, ref byte[] buffer, int offset)
    {
        var eventKey = EventKeys.Of(e.EventId);
        var start = offset;
        Ensure(ref buffer, offset, sizeof(int) + 3 * sizeof(long) + 1 + sizeof(double));
        offset += sizeof(int);
        var span = buffer.AsSpan(offset);
        BinaryPrimitives.WriteInt64LittleEndian(span, eventKey);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], e.Timestamp.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], e.ReceivedAt.Ticks);
        var flags = (byte)((e.ReferralExcluded ? ReferralExcluded : 0) | (e.TimestampClamped ? TimestampClamped : 0) | (e.Revenue is null ? 0 : HasRevenue));
        span[24] = flags;
        offset += 25;
        if (e.Revenue is { } revenue)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[25..], revenue);
            offset += sizeof(double);
        }
        foreach (var value in StringValues)
            offset = WriteString(value(e), ref buffer, offset);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(start), offset - start - sizeof(int));
        return offset;
    }

    /// <summary>The day partition of a row (from <see cref="TryGetRow"/>): the UTC date of its timestamp.</summary>
    public static DateOnly EventDate(ReadOnlySpan<byte> row) =>
        DateOnly.FromDateTime(new DateTime(BinaryPrimitives.ReadInt64LittleEndian(row[8..]), DateTimeKind.Utc));

    /// <summary>The first whole row at the start of <paramref name="data"/>; false when the data ends inside it.</summary>
    public static bool TryGetRow(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> row, out int consumed)
    {
        row = default;
        consumed = 0;
        if (data.Length < sizeof(int))
            return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (data.Length < sizeof(int) + length)
            return false;
        row = data.Slice(sizeof(int), length);
        consumed = sizeof(int) + length;
        return true;
    }

    private static int WriteString(string? value, ref byte[] buffer, int offset)
    {
        if (value is null)
        {
            Ensure(ref buffer, offset, 1);
            buffer[offset] = 0;
            return offset + 1;
        }
        // One pass: encode into room for the longest possible UTF-8 form behind the length marker, then write the
        // marker. Counting the bytes first was a second full pass over every string (3% of a load's CPU). The marker
        // takes one byte when even the longest form fits it, else two; the reader accepts a varint that is not minimal.
        var maxLength = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (maxLength + 1 >= TwoByteMarkerLimit)
            return WriteLongString(value, ref buffer, offset);
        var markerBytes = maxLength + 1 < 0x80 ? 1 : 2;
        Ensure(ref buffer, offset, markerBytes + maxLength);
        var length = Encoding.UTF8.GetBytes(value, buffer.AsSpan(offset + markerBytes));
        var marker = (uint)length + 1;
        if (markerBytes == 1)
        {
            buffer[offset] = (byte)marker;
            return offset + 1 + length;
        }
        buffer[offset] = (byte)(marker | 0x80);
        buffer[offset + 1] = (byte)(marker >> 7);
        return offset + 2 + length;
    }

    private const int TwoByteMarkerLimit = 1 << 14;

    private static int WriteLongString(string value, ref byte[] buffer, int offset)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Ensure(ref buffer, offset, 5 + length);
        var marker = (uint)length + 1;
        while (marker >= 0x80)
        {
            buffer[offset++] = (byte)(marker | 0x80);
            marker >>= 7;
        }
        buffer[offset++] = (byte)marker;
        return offset + Encoding.UTF8.GetBytes(value, buffer.AsSpan(offset));
    }

    private static void Ensure(ref byte[] buffer, int offset, int needed)
    {
        if (offset + needed > buffer.Length)
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, offset + needed));
    }

    /// <summary>Reads one row back (from <see cref="TryGetRow"/>), field by field, in the order <see cref="Write"/> wrote them.</summary>
    public ref struct Reader(ReadOnlySpan<byte> row)
    {
        private readonly ReadOnlySpan<byte> _data = row;
        private int _position;

        public void ReadFixed(out long eventKey, out DateTime timestamp, out DateTime receivedAt, out bool referralExcluded, out bool timestampClamped, out double? revenue)
        {
            var span = _data;
            eventKey = BinaryPrimitives.ReadInt64LittleEndian(span);
            timestamp = new DateTime(BinaryPrimitives.ReadInt64LittleEndian(span[8..]), DateTimeKind.Utc);
            receivedAt = new DateTime(BinaryPrimitives.ReadInt64LittleEndian(span[16..]), DateTimeKind.Utc);
            var flags = span[24];
            referralExcluded = (flags & ReferralExcluded) != 0;
            timestampClamped = (flags & TimestampClamped) != 0;
            _position += 25;
            revenue = null;
            if ((flags & HasRevenue) != 0)
            {
                revenue = BinaryPrimitives.ReadDoubleLittleEndian(span[25..]);
                _position += sizeof(double);
            }
        }

        /// <summary>The next string as UTF-8; false when it is null.</summary>
        public bool ReadString(out ReadOnlySpan<byte> utf8)
        {
            uint marker = 0;
            var shift = 0;
            byte b;
            do
            {
                b = _data[_position++];
                marker |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            if (marker == 0)
            {
                utf8 = default;
                return false;
            }
            var length = (int)marker - 1;
            utf8 = _data.Slice(_position, length);
            _position += length;
            return true;
        }
    }
}
