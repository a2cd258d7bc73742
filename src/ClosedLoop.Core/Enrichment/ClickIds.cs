namespace ClosedLoop.Core.Enrichment;

/// <summary>Ad click identifiers, in priority order, and the network each one implies when no UTM source/medium is given.</summary>
public static class ClickIds
{
    private static readonly string[] s_names =
        ["gclid", "gbraid", "wbraid", "dclid", "gad_source", "msclkid", "fbclid", "li_fat_id", "ttclid", "twclid", "rdt_cid", "sccid"];

    /// <summary>Click id parameter names; when several are present the first in this order wins.</summary>
    public static readonly IReadOnlyList<string> Names = s_names;

    // Source and medium implied by each click id, index-aligned with s_names.
    // fbclid is social, not cpc: Meta appends it to organic links too, so it does not prove a paid click.
    private static readonly (string Source, string Medium)[] s_networks =
    [
        ("google", "cpc"), ("google", "cpc"), ("google", "cpc"), ("google", "display"), ("google", "cpc"), ("bing", "cpc"),
        ("facebook", "social"), ("linkedin", "cpc"), ("tiktok", "cpc"), ("twitter", "cpc"), ("reddit", "cpc"), ("snapchat", "cpc"),
    ];

    internal static string NameAt(int index) => s_names[index];

    internal static (string Source, string Medium) NetworkAt(int index) => s_networks[index];

    /// <summary>The source and medium implied by the click id parameter <paramref name="name"/>, or null for an unknown name.</summary>
    public static (string Source, string Medium)? ImpliedNetwork(string name)
    {
        var index = Array.FindIndex(s_names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : s_networks[index];
    }
}
