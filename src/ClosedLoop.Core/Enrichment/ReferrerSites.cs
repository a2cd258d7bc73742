using System.Collections.Frozen;

namespace ClosedLoop.Core.Enrichment;

/// <summary>Recognises search engines and social sites from a normalized (lower-case, no <c>www.</c>) referrer host.</summary>
internal static class ReferrerSites
{
    // Registrable name -> engine short name; any TLD counts (google.de, google.co.uk, yandex.com.tr).
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_searchByName =
        new Dictionary<string, string>
        {
            ["google"] = "google",
            ["bing"] = "bing",
            ["yahoo"] = "yahoo",
            ["duckduckgo"] = "duckduckgo",
            ["baidu"] = "baidu",
            ["yandex"] = "yandex",
            ["ya"] = "yandex",
            ["ecosia"] = "ecosia",
            ["ask"] = "ask",
            ["naver"] = "naver",
            ["seznam"] = "seznam",
            ["sogou"] = "sogou",
            ["qwant"] = "qwant",
            ["startpage"] = "startpage",
            ["daum"] = "daum",
            ["so"] = "360",
            ["360"] = "360",
            ["dogpile"] = "dogpile",
            ["lycos"] = "lycos",
            ["rambler"] = "rambler",
            ["kagi"] = "kagi",
            ["aol"] = "aol",
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Whole hosts whose registrable name would not tell (a search subdomain, an Android app referrer).
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_searchByHost =
        new Dictionary<string, string>
        {
            ["search.brave.com"] = "brave",
            ["com.google.android.googlequicksearchbox"] = "google",
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Subdomains of search engines that are not search (mail.google.com is someone reading email).
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_notSearchSubdomains =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
            ["mail", "accounts", "docs", "drive", "calendar", "sites", "groups", "ads", "analytics", "support",
             "developers", "cloud", "console", "myaccount", "login", "webmail", "meet", "chat"])
            .GetAlternateLookup<ReadOnlySpan<char>>();

    // Short links and renamed sites whose GA4 list entry (or lack of one) would not give the familiar name.
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_socialAliases =
        new Dictionary<string, string>
        {
            ["t.co"] = "twitter",
            ["x.com"] = "twitter",
            ["lnkd.in"] = "linkedin",
            ["fb.me"] = "facebook",
            ["fb.com"] = "facebook",
            ["m.me"] = "facebook",
            ["instagr.am"] = "instagram",
            ["redd.it"] = "reddit",
            ["pin.it"] = "pinterest",
            ["threads.net"] = "threads",
            ["bsky.app"] = "bluesky",
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string[] s_mobilePrefixes = ["m.", "l.", "lm.", "mobile."];

    /// <summary>The short engine name when <paramref name="host"/> is a search engine.</summary>
    public static bool TryGetSearchEngine(ReadOnlySpan<char> host, out string engine)
    {
        if (s_searchByHost.TryGetValue(host, out engine!))
            return true;
        var name = HostNames.RegistrableName(host);
        if (!s_searchByName.TryGetValue(name, out engine!))
            return false;
        var dot = host.IndexOf('.');
        if (dot > 0 && s_notSearchSubdomains.Contains(host[..dot]))
            return Fail(out engine);
        return true;
    }

    /// <summary>
    /// The site's short name when <paramref name="host"/> is social: an alias (t.co is twitter), else the registrable
    /// name when GA4 lists it as social (facebook), else the host (without m./l./lm. prefixes) when GA4 lists it.
    /// </summary>
    public static bool TryGetSocial(ReadOnlySpan<char> host, StringPool pool, out string site)
    {
        if (s_socialAliases.TryGetValue(host, out site!))
            return true;
        var name = HostNames.RegistrableName(host);
        if (SourceCategories.TryGetListed(name, out site, out var category) && (category & SourceCategory.Social) != 0)
            return true;
        var stripped = host;
        foreach (var prefix in s_mobilePrefixes)
        {
            if (host.StartsWith(prefix, StringComparison.Ordinal))
            {
                stripped = host[prefix.Length..];
                break;
            }
        }
        if (((SourceCategories.Of(host) | SourceCategories.Of(stripped)) & SourceCategory.Social) != 0)
        {
            site = pool.Intern(stripped);
            return true;
        }
        site = string.Empty;
        return false;
    }

    private static bool Fail(out string value)
    {
        value = string.Empty;
        return false;
    }
}
