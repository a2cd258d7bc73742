using System.Collections.Frozen;

namespace ClosedLoop.Core.Enrichment;

/// <summary>The GA4 source categories a source can belong to.</summary>
[Flags]
public enum SourceCategory
{
    None = 0,
    Search = 1,
    Social = 2,
    Shopping = 4,
    Video = 8,
}

/// <summary>
/// Google's published GA4 source list (the embedded <c>ga4_source_categories.csv</c>), matched case-insensitively
/// on the whole source, as GA4's "source matches a list of ... sites" conditions do.
/// </summary>
public static class SourceCategories
{
    private const string ResourceName = "ClosedLoop.Core.ga4_source_categories.csv";

    private static readonly FrozenDictionary<string, (string Name, SourceCategory Category)> s_categories = Load();
    private static readonly FrozenDictionary<string, (string Name, SourceCategory Category)>.AlternateLookup<ReadOnlySpan<char>> s_lookup =
        s_categories.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Number of sources in the list.</summary>
    public static int Count => s_categories.Count;

    /// <summary>The categories of <paramref name="source"/>; <see cref="SourceCategory.None"/> when it is not listed.</summary>
    public static SourceCategory Of(ReadOnlySpan<char> source) =>
        s_lookup.TryGetValue(source, out var entry) ? entry.Category : SourceCategory.None;

    /// <summary>The listed spelling of <paramref name="source"/>, so that callers can reuse it instead of allocating.</summary>
    internal static bool TryGetListed(ReadOnlySpan<char> source, out string listed, out SourceCategory category)
    {
        var found = s_lookup.TryGetValue(source, out var entry);
        (listed, category) = found ? entry : (string.Empty, SourceCategory.None);
        return found;
    }

    private static FrozenDictionary<string, (string Name, SourceCategory Category)> Load()
    {
        using var stream = typeof(SourceCategories).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from ClosedLoop.Core");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<string, (string Name, SourceCategory Category)>(StringComparer.OrdinalIgnoreCase);
        reader.ReadLine(); // header: source,source_category
        while (reader.ReadLine() is { } line)
        {
            var comma = line.LastIndexOf(',');
            if (comma <= 0)
                continue;
            var category = line.AsSpan(comma + 1).Trim() switch
            {
                "SOURCE_CATEGORY_SEARCH" => SourceCategory.Search,
                "SOURCE_CATEGORY_SOCIAL" => SourceCategory.Social,
                "SOURCE_CATEGORY_SHOPPING" => SourceCategory.Shopping,
                "SOURCE_CATEGORY_VIDEO" => SourceCategory.Video,
                _ => SourceCategory.None,
            };
            var source = line[..comma].Trim();
            map[source] = (source, map.GetValueOrDefault(source).Category | category);
        }
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
