namespace ClosedLoop.Core.Enrichment;

/// <summary>
/// The pieces of a URL as slices of the original text. Produced by <see cref="Parse"/>, a forgiving hand-written
/// parser: it never throws, and a malformed URL yields empty pieces rather than an error.
/// </summary>
internal readonly ref struct UrlParts
{
    /// <summary>Host as written (not lower-cased), without user info, port or trailing dot; empty when absent or invalid.</summary>
    public ReadOnlySpan<char> Host { get; init; }
    /// <summary>Path as written (not decoded); empty when absent.</summary>
    public ReadOnlySpan<char> Path { get; init; }
    /// <summary>The query string without the <c>?</c>.</summary>
    public ReadOnlySpan<char> Query { get; init; }
    /// <summary>A query inside the fragment (<c>#/pricing?utm_source=x</c> or <c>#utm_source=x</c>).</summary>
    public ReadOnlySpan<char> FragmentQuery { get; init; }

    public static UrlParts Parse(ReadOnlySpan<char> url)
    {
        url = url.Trim();
        var fragment = ReadOnlySpan<char>.Empty;
        var hash = url.IndexOf('#');
        if (hash >= 0)
        {
            fragment = url[(hash + 1)..];
            url = url[..hash];
        }
        var query = ReadOnlySpan<char>.Empty;
        var question = url.IndexOf('?');
        if (question >= 0)
        {
            query = url[(question + 1)..];
            url = url[..question];
        }
        var fragmentQuery = ReadOnlySpan<char>.Empty;
        var fragmentQuestion = fragment.IndexOf('?');
        if (fragmentQuestion >= 0)
            fragmentQuery = fragment[(fragmentQuestion + 1)..];
        else if (fragment.Contains('='))
            fragmentQuery = fragment; // old GA "allowAnchor" links: #utm_source=x&utm_medium=y

        ReadOnlySpan<char> afterScheme;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && IsScheme(url[..schemeEnd]))
        {
            afterScheme = url[(schemeEnd + 3)..];
        }
        else if (url.StartsWith("//", StringComparison.Ordinal))
        {
            afterScheme = url[2..];
        }
        else if (url.StartsWith('/'))
        {
            return new UrlParts { Path = url, Query = query, FragmentQuery = fragmentQuery };
        }
        else
        {
            // No scheme: "example.com/pricing" is read as host and path when the first segment looks like a domain.
            var slash = url.IndexOf('/');
            var first = slash < 0 ? url : url[..slash];
            if (!first.Contains('.') || !IsHost(StripPort(first)))
                return new UrlParts { Query = query, FragmentQuery = fragmentQuery };
            afterScheme = url;
        }

        var authorityEnd = afterScheme.IndexOfAny('/', '\\');
        var authority = authorityEnd < 0 ? afterScheme : afterScheme[..authorityEnd];
        var path = authorityEnd < 0 ? ReadOnlySpan<char>.Empty : afterScheme[authorityEnd..];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
            authority = authority[(at + 1)..];
        var host = StripPort(authority);
        if (host.EndsWith('.'))
            host = host[..^1];
        if (!IsHost(host))
            return new UrlParts { Query = query, FragmentQuery = fragmentQuery }; // a path without its site means nothing
        return new UrlParts { Host = host, Path = path, Query = query, FragmentQuery = fragmentQuery };
    }

    private static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> authority)
    {
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            return close < 0 ? [] : authority[..(close + 1)];
        }
        var colon = authority.IndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
            return false;
        foreach (var c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
                return false;
        }
        return true;
    }

    private static bool IsHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > HostNames.MaxLength)
            return false;
        if (host[0] == '[')
            return host[^1] == ']';
        if (host[0] is '.' or '-')
            return false;
        foreach (var c in host)
        {
            // Letters beyond ASCII are allowed for internationalized domain names written in Unicode.
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' || c > 127))
                return false;
        }
        return true;
    }
}
