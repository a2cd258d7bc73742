using System.Collections.Frozen;

namespace ClosedLoop.Core.Enrichment;

/// <summary>Host name helpers: normalization for host fields and the registrable name (<c>facebook</c> of <c>l.facebook.com</c>).</summary>
internal static class HostNames
{
    public const int MaxLength = 253;

    // Second-level labels under country TLDs that act as public suffixes (google.co.uk, yahoo.co.jp, yandex.com.tr).
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_secondLevel =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, ["co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go", "gob", "gouv", "nic"])
            .GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Writes the lower-cased host without a leading <c>www.</c> into <paramref name="buffer"/> and returns that slice.
    /// <paramref name="buffer"/> must hold <see cref="MaxLength"/> characters.
    /// </summary>
    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> host, Span<char> buffer)
    {
        var written = host.ToLowerInvariant(buffer);
        if (written < 0)
            return [];
        ReadOnlySpan<char> lower = buffer[..written];
        return StripWww(lower);
    }

    public static ReadOnlySpan<char> StripWww(ReadOnlySpan<char> host) =>
        host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) && host[4..].Contains('.') ? host[4..] : host;

    /// <summary>The label just left of the public suffix: <c>google</c> for <c>www.google.co.uk</c>, <c>t</c> for <c>t.co</c>.</summary>
    public static ReadOnlySpan<char> RegistrableName(ReadOnlySpan<char> host)
    {
        var lastDot = host.LastIndexOf('.');
        if (lastDot < 0)
            return host;
        var tld = host[(lastDot + 1)..];
        var rest = host[..lastDot];
        var dot = rest.LastIndexOf('.');
        var second = dot < 0 ? rest : rest[(dot + 1)..];
        if (dot >= 0 && tld.Length == 2 && s_secondLevel.Contains(second))
        {
            rest = rest[..dot];
            dot = rest.LastIndexOf('.');
            return dot < 0 ? rest : rest[(dot + 1)..];
        }
        return second;
    }

    /// <summary>True when <paramref name="host"/> or one of its parent domains is in <paramref name="domains"/>.</summary>
    public static bool IsSameOrSubdomainOf<TValue>(ReadOnlySpan<char> host,
        FrozenDictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>> domains, out TValue? value)
    {
        while (true)
        {
            if (domains.TryGetValue(host, out value))
                return true;
            var dot = host.IndexOf('.');
            if (dot < 0)
                return false;
            host = host[(dot + 1)..];
        }
    }
}
