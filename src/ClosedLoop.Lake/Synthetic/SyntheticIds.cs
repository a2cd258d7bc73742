namespace ClosedLoop.Lake.Synthetic;

/// <summary>
/// Identifiers built from counters through a bijective mix: they look random, yet two different
/// counters never give the same id, so uniqueness needs no memory of the ids already issued.
/// </summary>
internal static class SyntheticIds
{
    private const string Hex = "0123456789abcdef";

    /// <summary>A UUID v4-shaped string; the 64 bits of <paramref name="unique"/> all survive, so it stays unique.</summary>
    public static string Uuid(ulong unique, ulong noise)
    {
        Span<byte> utf8 = stackalloc byte[36];
        WriteUuid(utf8, unique, noise);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }

    /// <summary>Writes 36 ASCII bytes: 16 hex digits of <paramref name="unique"/>, then noise, with the version and variant nibbles.</summary>
    public static void WriteUuid(Span<byte> utf8, ulong unique, ulong noise)
    {
        var nibble = 0;
        for (var pos = 0; pos < 36; pos++)
        {
            if (pos is 8 or 13 or 18 or 23)
            {
                utf8[pos] = (byte)'-';
                continue;
            }
            if (pos == 14)
            {
                utf8[pos] = (byte)'4';
                continue;
            }
            if (pos == 19)
            {
                utf8[pos] = (byte)Hex[8 + (int)(noise & 3)];
                noise >>= 2;
                continue;
            }
            int value;
            if (nibble < 16)
                value = (int)((unique >> (60 - (4 * nibble))) & 0xF);
            else
            {
                value = (int)(noise & 0xF);
                noise >>= 4;
            }
            utf8[pos] = (byte)Hex[value];
            nibble++;
        }
    }

    public static string Cookie(ulong seed, long counter) =>
        Uuid(SyntheticRandom.Mix64((ulong)counter ^ SyntheticRandom.Mix64(seed ^ 0xC00C1E)), SyntheticRandom.Mix64((ulong)counter + seed));
}
