namespace ClosedLoop.Core.Enrichment;

/// <summary>Collects non-fatal problems of one event; allocates only when there is one.</summary>
internal struct Warnings
{
    // Messages must not contain "; " themselves: readers split Text on it.
    private const int MaxEchoLength = 80;
    private string? _text;

    public readonly string? Text => _text;

    public void Add(string warning) => _text = _text is null ? warning : string.Concat(_text, "; ", warning);

    /// <summary>Cuts user values echoed in messages so that a rejects row stays readable.</summary>
    public static string Shorten(string value) =>
        value.Length <= MaxEchoLength ? value : string.Concat(value.AsSpan(0, MaxEchoLength), "...");
}
