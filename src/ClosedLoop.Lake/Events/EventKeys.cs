using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace ClosedLoop.Lake.Events;

/// <summary>
/// 64-bit keys of event ids, used to skip events already in the lake. At 10 million events in one day
/// the chance of any collision is about 3 in a million, a price worth the memory saved over full ids.
/// </summary>
internal static class EventKeys
{
    public static long Of(string eventId)
    {
        var chars = eventId.AsSpan();
        return unchecked((long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(chars)));
    }

    /// <summary>A stable id for an event sent without one, from the exact bytes it arrived as.</summary>
    public static string DeriveId(ReadOnlySpan<byte> content) =>
        "h-" + Convert.ToHexStringLower(BitConverter.GetBytes(XxHash128.HashToUInt128(content)));

    internal static string DeriveId(string content) => DeriveId(Encoding.UTF8.GetBytes(content));
}
