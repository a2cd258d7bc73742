using System.Buffers.Binary;
using System.Text;
using ClosedLoop.Core.Events;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// One enriched event as the bytes of a day partition's spill file (see <see cref="PartitionedEventWriter"/>):
/// the event key, the two timestamps as ticks, a flags byte, the revenue when present, then every string
/// column of <see cref="EventColumns"/> in schema order as a varint of (UTF-8 length + 1), 0 for null, and its bytes.
/// The format lives only as long as one load; it has no version because nothing else reads it.
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
    public static int Write(EnrichedEvent e, long eventKey, ref byte[] buffer, int offset)
    {
        Ensure(ref buffer, offset, 3 * sizeof(long) + 1 + sizeof(double));
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
        return offset;
    }

    private static int WriteString(string? value, ref byte[] buffer, int offset)
    {
        if (value is null)
        {
            Ensure(ref buffer, offset, 1);
            buffer[offset] = 0;
            return offset + 1;
        }
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

    /// <summary>Reads rows back, field by field, in the order <see cref="Write"/> wrote them.</summary>
    public ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public void ReadFixed(out long eventKey, out DateTime timestamp, out DateTime receivedAt, out bool referralExcluded, out bool timestampClamped, out double? revenue)
        {
            var span = _data[_position..];
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
