using System.Buffers;
using System.Text;

namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// Decodes a query value: <c>+</c> is a space, <c>%XX</c> are UTF-8 bytes, invalid escapes are kept as written.
/// Surrounding whitespace is trimmed; an empty result is null.
/// </summary>
internal static class PercentDecoder
{
    private const int StackLimit = 512;

    /// <summary>Decodes <paramref name="value"/>; pooled through <paramref name="pool"/> when one is given.</summary>
    public static string? Decode(ReadOnlySpan<char> value, StringPool? pool)
    {
        if (value.IndexOfAny('%', '+') < 0)
            return Finish(value, pool);

        var maxBytes = value.Length * 3;
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        var bytes = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = 0;
            var i = 0;
            while (i < value.Length)
            {
                var c = value[i];
                if (c == '+')
                {
                    bytes[length++] = (byte)' ';
                    i++;
                }
                else if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], value[i + 2], out var b))
                {
                    bytes[length++] = b;
                    i += 3;
                }
                else
                {
                    // A run of ordinary characters (or an invalid escape) up to the next '%' or '+' is copied as UTF-8.
                    var end = value[(i + 1)..].IndexOfAny('%', '+');
                    var run = end < 0 ? value[i..] : value.Slice(i, end + 1);
                    length += Encoding.UTF8.GetBytes(run, bytes[length..]);
                    i += run.Length;
                }
            }
            var decodedBytes = bytes[..length];
            var chars = length <= StackLimit ? stackalloc char[StackLimit] : (rentedChars = ArrayPool<char>.Shared.Rent(length));
            var charCount = Encoding.UTF8.GetChars(decodedBytes, chars);
            return Finish(chars[..charCount], pool);
        }
        finally
        {
            if (rentedBytes is not null)
                ArrayPool<byte>.Shared.Return(rentedBytes);
            if (rentedChars is not null)
                ArrayPool<char>.Shared.Return(rentedChars);
        }
    }

    private static string? Finish(ReadOnlySpan<char> value, StringPool? pool)
    {
        value = value.Trim();
        if (value.IsEmpty)
            return null;
        return pool is null ? value.ToString() : pool.Intern(value);
    }

    private static bool TryHex(char high, char low, out byte value)
    {
        var h = HexValue(high);
        var l = HexValue(low);
        value = (byte)((h << 4) | l);
        return (h | l) >= 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
