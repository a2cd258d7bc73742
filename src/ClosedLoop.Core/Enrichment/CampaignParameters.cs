using System.Collections.Frozen;

namespace ClosedLoop.Core.Enrichment;

/// <summary>UTM parameters and the winning click id read from a landing URL.</summary>
internal struct CampaignParameters
{
    // Parameter name -> slot: 0..4 the UTM fields, ClickIdBase + i the click id at priority i.
    private const int ClickIdBase = 16;
    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> s_slots = BuildSlots();

    public string? Source;
    public string? Medium;
    public string? Campaign;
    public string? Term;
    public string? Content;
    public string? ClickId;
    /// <summary>Index into <see cref="ClickIds.Names"/> of <see cref="ClickId"/>, or -1.</summary>
    public int ClickIdIndex;

    /// <summary>Reads the query, then the fragment query; the first non-empty occurrence of each parameter wins.</summary>
    public static CampaignParameters FromUrl(scoped in UrlParts url, StringPool pool)
    {
        var result = new CampaignParameters { ClickIdIndex = -1 };
        result.Scan(url.Query, pool);
        result.Scan(url.FragmentQuery, pool);
        return result;
    }

    private void Scan(ReadOnlySpan<char> query, StringPool pool)
    {
        while (!query.IsEmpty)
        {
            var amp = query.IndexOf('&');
            var pair = amp < 0 ? query : query[..amp];
            query = amp < 0 ? [] : query[(amp + 1)..];
            var eq = pair.IndexOf('=');
            if (eq <= 0 || !s_slots.TryGetValue(pair[..eq], out var slot))
                continue;
            var raw = pair[(eq + 1)..];
            switch (slot)
            {
                case 0: Source ??= PercentDecoder.Decode(raw, pool); break;
                case 1: Medium ??= PercentDecoder.Decode(raw, pool); break;
                case 2: Campaign ??= PercentDecoder.Decode(raw, pool); break;
                case 3: Term ??= PercentDecoder.Decode(raw, pool); break;
                case 4: Content ??= PercentDecoder.Decode(raw, pool); break;
                default:
                    var index = slot - ClickIdBase;
                    if (ClickIdIndex < 0 || index < ClickIdIndex)
                    {
                        // Click ids are unique per click: never pooled.
                        var value = PercentDecoder.Decode(raw, pool: null);
                        if (value is not null)
                        {
                            ClickId = value;
                            ClickIdIndex = index;
                        }
                    }
                    break;
            }
        }
    }

    private static FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> BuildSlots()
    {
        var slots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            ["utm_source"] = 0,
            ["utm_medium"] = 1,
            ["utm_campaign"] = 2,
            ["utm_term"] = 3,
            ["utm_content"] = 4,
        };
        for (var i = 0; i < ClickIds.Names.Count; i++)
            slots[ClickIds.Names[i]] = ClickIdBase + i;
        return slots.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
