using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace ClosedLoop.Core.Enrichment;

/// <summary>What the referrer says about where a visit came from.</summary>
internal readonly record struct ReferrerSource(string? Host, string Source, string Medium, bool Excluded);

/// <summary>
/// Turns a referrer into source and medium: search engines are organic, social sites social, other sites referral,
/// no referrer direct. Own domains and referral exclusions yield direct and are flagged, so that they never
/// look like a new referral source. Thread-safe: the option lists are copied into frozen lookups at construction.
/// </summary>
internal sealed class ReferrerClassifier
{
    public const string DirectSource = "(direct)";
    public const string NoneMedium = "(none)";
    public const string NotSet = "(not set)";

    private static readonly string[] s_allPaths = [];

    private readonly FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _ownDomains;
    private readonly FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _exclusions;
    private readonly StringPool _pool;

    /// <summary>
    /// Recent answers, by the identity of the referrer and page host strings. The parser pools referrers, so the
    /// same referrer is the same string object event after event, and one reference check replaces parsing it
    /// again. Slots are replaced whole, so threads can share the cache without locks.
    /// </summary>
    private readonly CachedSource?[] _recent = new CachedSource?[4096];

    private sealed record CachedSource(string Referrer, string? PageHost, ReferrerSource Source);

    public ReferrerClassifier(EnrichmentOptions options, StringPool pool)
    {
        _pool = pool;
        _ownDomains = BuildDomainLookup(options.OwnDomains);
        _exclusions = BuildDomainLookup(options.ReferralExclusions);
    }

    /// <summary>Classifies <paramref name="referrer"/> for a page on <paramref name="pageHost"/> (normalized, may be null).</summary>
    public ReferrerSource Classify(string? referrer, string? pageHost)
    {
        if (string.IsNullOrWhiteSpace(referrer))
            return new ReferrerSource(null, DirectSource, NoneMedium, false);
        var slot = (SampleHash(referrer) * 31 + SampleHash(pageHost)) & (_recent.Length - 1);
        if (Volatile.Read(ref _recent[slot]) is { } cached && ReferenceEquals(cached.Referrer, referrer) && ReferenceEquals(cached.PageHost, pageHost))
            return cached.Source;
        var source = ClassifyUncached(referrer, pageHost);
        Volatile.Write(ref _recent[slot], new CachedSource(referrer, pageHost, source));
        return source;
    }

    /// <summary>
    /// A slot from a few characters. Not <see cref="RuntimeHelpers.GetHashCode(object)"/>: setting an object's
    /// identity hash from two threads at once contends on its header, which cost more than the parsing it saves.
    /// </summary>
    private static int SampleHash(string? s) =>
        string.IsNullOrEmpty(s) ? 0 : (s.Length * 397) ^ (s[s.Length >> 1] * 31) ^ s[^1] ^ (s[Math.Min(12, s.Length - 1)] << 7);

    private ReferrerSource ClassifyUncached(string referrer, string? pageHost)
    {
        var url = UrlParts.Parse(referrer);
        Span<char> buffer = stackalloc char[HostNames.MaxLength];
        var host = HostNames.Normalize(url.Host, buffer);
        if (host.IsEmpty)
            return new ReferrerSource(null, DirectSource, NoneMedium, false);
        var hostText = _pool.Intern(host);

        if ((pageHost is not null && host.SequenceEqual(pageHost))
            || IsListed(host, url.Path, _ownDomains) || IsListed(host, url.Path, _exclusions))
            return new ReferrerSource(hostText, DirectSource, NoneMedium, true);
        if (ReferrerSites.TryGetSearchEngine(host, out var engine))
            return new ReferrerSource(hostText, engine, "organic", false);
        if (ReferrerSites.TryGetSocial(host, _pool, out var site))
            return new ReferrerSource(hostText, site, "social", false);
        return new ReferrerSource(hostText, hostText, "referral", false);
    }

    private static bool IsListed(ReadOnlySpan<char> host, ReadOnlySpan<char> path,
        FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> lookup)
    {
        if (!HostNames.IsSameOrSubdomainOf(host, lookup, out var paths) || paths is null)
            return false;
        if (paths.Length == 0)
            return true;
        foreach (var prefix in paths)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Entries are hosts (matching the host and its subdomains) or <c>host/path</c> prefixes; a scheme, port and
    /// <c>www.</c> are ignored. A host listed both alone and with a path matches everywhere.
    /// </summary>
    private static FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> BuildDomainLookup(IReadOnlyList<string> entries)
    {
        var map = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        Span<char> buffer = stackalloc char[HostNames.MaxLength];
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry))
                continue;
            var url = UrlParts.Parse(entry.Contains("://", StringComparison.Ordinal) ? entry : "//" + entry.Trim());
            var host = HostNames.Normalize(url.Host, buffer).ToString();
            if (host.Length == 0)
                continue;
            var path = url.Path.TrimEnd('/');
            if (path.IsEmpty)
                map[host] = s_allPaths;
            else if (!map.TryGetValue(host, out var existing))
                map[host] = [path.ToString()];
            else if (existing.Length > 0)
                map[host] = [.. existing, path.ToString()];
        }
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
