using System.Globalization;
using ClosedLoop.Core;

namespace ClosedLoop.Lake.Attribution;

/// <summary>The models of SPEC section 6 and the dimensions a report can group by.</summary>
public static class AttributionModels
{
    /// <summary>Rule-based models, computed per touch in DuckDB SQL (<see cref="HeuristicCreditsSql"/>).</summary>
    public static readonly IReadOnlyList<string> Heuristic =
        ["first", "last", "last_non_direct", "linear", "position", "w_shaped", "full_path", "time_decay", "j_shaped", "inverse_j", "participation"];

    /// <summary>Data-driven models: paths aggregated in DuckDB, weights solved in .NET.</summary>
    public static readonly IReadOnlyList<string> DataDriven = ["markov", "shapley"];

    /// <summary>Every model in report order.</summary>
    public static readonly IReadOnlyList<string> All = [.. Heuristic, .. DataDriven];

    /// <summary>The label of a conversion with no touchpoint in its window.</summary>
    public const string NoTouch = "(none)";

    /// <summary>Report dimensions and their SQL over the touchpoints table (alias <c>t</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Dimensions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["channel"] = "t.channel",
        ["source"] = "t.source",
        ["medium"] = "t.medium",
        ["source_medium"] = "t.source || ' / ' || t.medium",
        ["campaign"] = "t.campaign",
        ["content"] = "t.content",
        ["term"] = "t.term",
        ["landing_page"] = "t.landing_page",
    };

    /// <summary>Spend grouped the same way, where spend has the field (alias <c>s</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> SpendDimensions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["channel"] = "s.channel",
        ["source"] = "s.source",
        ["medium"] = "s.medium",
        ["source_medium"] = "s.source || ' / ' || s.medium",
        ["campaign"] = "s.campaign",
    };

    /// <summary>Parses <c>--model a,b</c> (or <c>all</c>); a clear error names the models that exist.</summary>
    public static IReadOnlyList<string> Parse(string models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var names = models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => m.ToLowerInvariant().Replace('-', '_'))
            .ToList();
        if (names is ["all"])
            return All;
        if (names.Count == 0)
            throw new UserInputException($"no model given: use one or more of {string.Join(", ", All)} (comma-separated), or all");
        var unknown = names.Where(n => !All.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new UserInputException($"unknown model {string.Join(", ", unknown.Select(u => $"'{u}'"))}: use {string.Join(", ", All)}, or all");
        return names.Distinct().OrderBy(n => All.IndexOf(n)).ToList();
    }

    public static string ParseDimension(string by)
    {
        ArgumentNullException.ThrowIfNull(by);
        var name = by.Trim().ToLowerInvariant();
        return Dimensions.ContainsKey(name)
            ? name
            : throw new UserInputException($"cannot group by '{by}': use {string.Join(", ", Dimensions.Keys)}");
    }

    private static int IndexOf(this IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
                return i;
        }
        return -1;
    }

    /// <summary>A double as a SQL literal.</summary>
    internal static string Sql(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
