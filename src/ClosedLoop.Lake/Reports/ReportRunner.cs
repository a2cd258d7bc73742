using System.Globalization;
using ClosedLoop.Core;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Reports;

/// <summary>
/// The options of <c>closedloop attribute</c> and <c>closedloop report ...</c> as text, as the command line and
/// the read API's query string give them. Null means "not given": each report applies its own default.
/// </summary>
public sealed class ReportParameters
{
    public string? Model { get; init; }
    public string? By { get; init; }
    public string? Conversion { get; init; }
    public string? Lookback { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public int? Top { get; init; }
    public bool Revenue { get; init; }

    /// <summary>The period of the timeline report: day, week or month.</summary>
    public string? Interval { get; init; }

    /// <summary>time_decay half-life in days (attribution only).</summary>
    public double? HalfLifeDays { get; init; }

    /// <summary>Markov order (attribution only).</summary>
    public int? MarkovOrder { get; init; }

    /// <summary>Keep consecutive repeats on Markov paths (attribution only).</summary>
    public bool KeepRepeats { get; init; }
}

/// <summary>
/// A report ready to stream: the SQL and the open database (with the attribution run's temp tables or the
/// <c>run_scope</c> view it needs). Dispose it after reading.
/// </summary>
public sealed class ReportQuery : IDisposable
{
    private readonly IDisposable _owner;

    internal ReportQuery(LakeDatabase database, string sql, IDisposable owner)
    {
        Database = database;
        Sql = sql;
        _owner = owner;
    }

    public LakeDatabase Database { get; }

    public string Sql { get; }

    /// <summary>The attribution run behind the query, when there is one (for its conversion counts).</summary>
    public AttributionRun? Run => _owner as AttributionRun;

    public void Dispose() => _owner.Dispose();
}

/// <summary>
/// The orchestration behind <c>closedloop attribute</c>, <c>closedloop report ...</c> and the read API: parses the
/// options (the same <see cref="UserInputException"/> messages everywhere), runs attribution where a report
/// needs credits, and hands back the report's SQL on an open database.
/// </summary>
public static class ReportRunner
{
    /// <summary>The reports, in the order the CLI lists them.</summary>
    public static readonly IReadOnlyList<string> Names = ["funnel", "roi", "paths", "clv", "content", "compare", "timeline"];

    /// <summary>The periods of the timeline report (<c>--interval</c>).</summary>
    public static readonly IReadOnlyList<string> Intervals = ["day", "week", "month"];

    /// <summary>The attribution report (<c>closedloop attribute</c>): credits stored, one row per model and value.</summary>
    public static ReportQuery Attribution(LakeLayout lake, ReportParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrWhiteSpace(parameters.Conversion))
            throw new UserInputException("--conversion is required: lead, mql, sql, opportunity, customer, deal or event:NAME (several comma-separated, or all)");
        var request = new AttributionRequest
        {
            ConversionType = parameters.Conversion.Trim(),
            Models = AttributionModels.Parse(parameters.Model ?? "first,last,linear"),
            Dimension = AttributionModels.ParseDimension(parameters.By ?? "channel"),
            Lookback = ParseLookback(parameters.Lookback),
            From = ParseDay(parameters.From, "--from"),
            To = ParseDay(parameters.To, "--to"),
            HalfLifeDays = parameters.HalfLifeDays ?? 7,
            MarkovOrder = parameters.MarkovOrder ?? 1,
            CollapseRepeats = !parameters.KeepRepeats,
        };
        var run = AttributionRun.Start(lake, request);
        return new ReportQuery(run.Database, run.ReportSql, run);
    }

    /// <summary>One of <see cref="Names"/> with its parameters; unknown names and bad values throw <see cref="UserInputException"/>.</summary>
    public static ReportQuery Report(LakeLayout lake, string name, ReportParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        switch (name.Trim().ToLowerInvariant())
        {
            case "funnel":
            {
                var dimension = AttributionModels.ParseDimension(parameters.By ?? "channel");
                var db = OpenStitched(lake);
                return new ReportQuery(db, ClosedLoopReports.Funnel(dimension), db);
            }
            case "clv":
            {
                var dimension = AttributionModels.ParseDimension(parameters.By ?? "channel");
                var db = OpenStitched(lake);
                return new ReportQuery(db, ClosedLoopReports.Clv(dimension), db);
            }
            case "roi":
            {
                var request = SingleModelRequest(parameters, "deal", parameters.By ?? "channel");
                var db = CreditScope(lake, request, ["lead", "customer", "deal"]);
                return new ReportQuery(db, ClosedLoopReports.Roi(request.Models[0], request.Dimension, request.From, request.To), db);
            }
            case "content":
            {
                var request = SingleModelRequest(parameters, "deal", null);
                var db = CreditScope(lake, request, ["lead", "opportunity", "deal"]);
                return new ReportQuery(db, ClosedLoopReports.Content(request.Models[0]), db);
            }
            case "paths":
            {
                var request = ModelRequest(parameters, parameters.Conversion ?? "lead", []);
                var top = parameters.Top ?? 10;
                if (top < 1)
                    throw new UserInputException($"--top must be at least 1 (got {top})");
                var run = AttributionRun.Start(lake, request);
                return new ReportQuery(run.Database, ClosedLoopReports.Paths(request.Dimension, request.ConversionType, top), run);
            }
            case "compare":
            {
                var request = ModelRequest(parameters, parameters.Conversion ?? "deal", AttributionModels.All);
                var run = AttributionRun.Start(lake, request);
                return new ReportQuery(run.Database, ClosedLoopReports.Compare(request.Dimension, request.Models, parameters.Revenue), run);
            }
            case "timeline":
            {
                var interval = ParseInterval(parameters.Interval);
                var (from, to) = (ParseDay(parameters.From, "--from"), ParseDay(parameters.To, "--to"));
                if (from is { } f && to is { } t && f > t)
                    throw new UserInputException($"--from {f:yyyy-MM-dd} is after --to {t:yyyy-MM-dd}");
                var db = OpenStitched(lake);
                try
                {
                    var types = ConversionTypes(db, parameters.Conversion);
                    return new ReportQuery(db, ClosedLoopReports.Timeline(interval, types, from, to), db);
                }
                catch
                {
                    db.Dispose();
                    throw;
                }
            }
            default:
                throw new UserInputException($"unknown report '{name}': use {string.Join(", ", Names)}");
        }
    }

    /// <summary>A <c>YYYY-MM-DD</c> day; <paramref name="option"/> names the option in the error.</summary>
    public static DateOnly? ParseDay(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? null
        : DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw new UserInputException($"{option} '{text}' is not a date: use YYYY-MM-DD");

    /// <summary>The timeline's <c>--interval</c>: day, week (the default) or month.</summary>
    public static string ParseInterval(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "week";
        var interval = text.Trim().ToLowerInvariant();
        return Intervals.Contains(interval) ? interval
            : throw new UserInputException($"--interval '{text}' is not day, week or month");
    }

    /// <summary>
    /// The conversion types of <c>--conversion</c> (one, a comma-separated list, or <c>all</c>, the default) that the
    /// lake has; a type the lake does not have is an error naming the ones it does.
    /// </summary>
    private static List<string> ConversionTypes(LakeDatabase db, string? conversion)
    {
        var known = new List<string>();
        using (var reader = db.ExecuteReader("SELECT DISTINCT conversion_type FROM conversions ORDER BY 1"))
        {
            while (reader.Read())
                known.Add(reader.GetString(0));
        }
        if (string.IsNullOrWhiteSpace(conversion) || conversion.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            return known;
        var asked = conversion.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (asked.Count == 0)
            throw new UserInputException("--conversion is empty: use lead, mql, sql, opportunity, customer, deal or event:NAME (several comma-separated, or all)");
        var missing = asked.Where(a => !known.Contains(a)).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"no conversions of type {string.Join(", ", missing.Select(m => $"'{m}'"))}: the lake has {string.Join(", ", known)} (or use all)");
        return asked;
    }

    private static TimeSpan ParseLookback(string? text) => Durations.Parse(string.IsNullOrWhiteSpace(text) ? "90d" : text, defaultUnit: 'd');

    private static AttributionRequest ModelRequest(ReportParameters parameters, string conversion, IReadOnlyList<string> models) => new()
    {
        ConversionType = conversion.Trim(),
        Models = models,
        Dimension = AttributionModels.ParseDimension(parameters.By ?? "channel"),
        Lookback = ParseLookback(parameters.Lookback),
        From = ParseDay(parameters.From, "--from"),
        To = ParseDay(parameters.To, "--to"),
    };

    /// <summary>The request of roi and content: one model over the given conversion; <paramref name="by"/> null groups by landing page.</summary>
    private static AttributionRequest SingleModelRequest(ReportParameters parameters, string conversion, string? by)
    {
        var models = AttributionModels.Parse(parameters.Model ?? "linear");
        if (models.Count != 1)
            throw new UserInputException("this report takes one --model");
        return new AttributionRequest
        {
            ConversionType = conversion,
            Models = models,
            Dimension = by is null ? "landing_page" : AttributionModels.ParseDimension(by),
            Lookback = ParseLookback(parameters.Lookback),
            From = ParseDay(parameters.From, "--from"),
            To = ParseDay(parameters.To, "--to"),
        };
    }

    private static LakeDatabase OpenStitched(LakeLayout lake)
    {
        var db = LakeDatabase.Open(lake);
        try
        {
            RequireStitched(db);
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Attributes each conversion type that exists under the request's model (storing the credits), then opens
    /// the lake with a <c>run_scope</c> view over exactly those credits.
    /// </summary>
    private static LakeDatabase CreditScope(LakeLayout lake, AttributionRequest template, IReadOnlyList<string> types)
    {
        template.Validate();
        var present = new List<string>();
        using (var check = LakeDatabase.Open(lake))
        {
            RequireStitched(check);
            present.AddRange(types.Where(t => AttributionRun.HasConversions(check, t)));
        }
        foreach (var type in present)
        {
            using var run = AttributionRun.Start(lake, new AttributionRequest
            {
                ConversionType = type,
                Models = template.Models,
                Dimension = template.Dimension,
                Lookback = template.Lookback,
                From = template.From,
                To = template.To,
            });
        }
        var db = LakeDatabase.Open(lake);
        try
        {
            var typeList = present.Count == 0 ? "NULL" : string.Join(", ", present.Select(LakeDatabase.Literal));
            db.Execute($"""
                CREATE TEMP VIEW run_scope AS SELECT * FROM credits
                WHERE model = {LakeDatabase.Literal(template.Models[0])} AND dimension = {LakeDatabase.Literal(template.Dimension)} AND conversion_type IN ({typeList})
                """);
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void RequireStitched(LakeDatabase db)
    {
        if (db.ExecuteScalar("SELECT 1 FROM touchpoints LIMIT 1") is null && db.ExecuteScalar("SELECT 1 FROM conversions LIMIT 1") is null)
            throw new UserInputException("nothing stitched yet: load events and CRM data, then run 'closedloop stitch'");
    }
}
