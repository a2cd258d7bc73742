namespace ClosedLoop.Lake.Rejects;

/// <summary>One input row that could not be used, kept with enough context to find and fix it.</summary>
/// <param name="Kind">What was being loaded: <c>events</c>, <c>contacts</c>, <c>deals</c> or <c>spend</c>.</param>
/// <param name="File">The input file (or <c>-</c> for stdin, <c>http</c> for the ingest service).</param>
/// <param name="Line">1-based line number in the file (for a batch element, the line the batch starts on).</param>
/// <param name="Index">0-based position inside a <c>{"batch": [...]}</c> array, else null.</param>
/// <param name="Raw">The raw text of the row, truncated to 64 KiB.</param>
/// <param name="Reason">Why it was rejected, in words a user can act on.</param>
public sealed record RejectRecord(string Kind, string File, long Line, int? Index, string Raw, string Reason)
{
    public const int MaxRawLength = 64 * 1024;

    public static string Truncate(string raw) => raw.Length <= MaxRawLength ? raw : raw[..MaxRawLength];
}
