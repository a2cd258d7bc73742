using System.Globalization;
using System.Text;
using ClosedLoop.Core;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// One attribution run: the conversions of a type, each one's path (the person's touchpoints in
/// [conversion − lookback, conversion], by time then event_id), per-touch credits for every requested model,
/// stored in <c>lake/derived/credits/</c>, and the report query over them. Keeps its DuckDB connection open so
/// the caller can stream the report in any output format; dispose it afterwards.
/// </summary>
public sealed class AttributionRun : IDisposable
{
    private readonly AttributionRequest _request;
    private readonly CreditsIncrement? _increment;
    private readonly string? _stateDirectory;

    private AttributionRun(LakeDatabase db, AttributionRequest request, CreditsIncrement? increment, string? stateDirectory)
    {
        Database = db;
        _request = request;
        _increment = increment;
        _stateDirectory = stateDirectory;
    }

    public LakeDatabase Database { get; }

    /// <summary>Conversions of the requested type in the date range.</summary>
    public long Conversions { get; private set; }

    /// <summary>Conversions with no touchpoint in their window (credited to <c>(none)</c>).</summary>
    public long Untouched { get; private set; }

    /// <summary>Whether the lake has conversions of this type (after a stitch).</summary>
    public static bool HasConversions(LakeDatabase db, string conversionType)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.ExecuteScalar($"SELECT 1 FROM conversions WHERE conversion_type = {LakeDatabase.Literal(conversionType)} LIMIT 1") is not null;
    }

    /// <summary>
    /// Runs the request and stores its credits; the report is then <see cref="ReportSql"/> on <see cref="Database"/>.
    /// A recompute passes <paramref name="stateDirectory"/> to keep the path aggregates the next incremental run
    /// builds on, and <paramref name="increment"/> to credit only the conversions of recomputed persons anew.
    /// </summary>
    public static AttributionRun Start(LakeLayout lake, AttributionRequest request, CreditsIncrement? increment = null, string? stateDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (increment is not null && (request.From is not null || request.To is not null))
            throw new ArgumentException("an incremental credit run covers every conversion date", nameof(request));
        var db = LakeDatabase.Open(lake);
        var run = new AttributionRun(db, request, increment, stateDirectory);
        try
        {
            run.Execute(lake);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    private void Execute(LakeLayout lake)
    {
        var db = Database;
        // Whether there is one, not how many: after an incremental run the count reads the whole merged table. A recompute
        // only credits a version with conversions, so an increment skips the check.
        if (_increment is null && db.ExecuteScalar("SELECT 1 FROM conversions LIMIT 1") is null)
            throw new UserInputException("no conversions in the lake: load contacts, deals and events, then run 'closedloop stitch'");
        Types = ResolveTypes(db);
        var typeList = string.Join(", ", Types.Select(LakeDatabase.Literal));
        var scope = "";
        if (_increment is not null)
        {
            db.Execute($"CREATE TEMP TABLE previous_persons AS SELECT DISTINCT person_id FROM read_parquet({LakeDatabase.Literal(_increment.PreviousPersonsFile)})");
            db.Execute($"CREATE TEMP TABLE recomputed_persons AS SELECT DISTINCT person_id FROM read_parquet({LakeDatabase.Literal(_increment.RecomputedPersonsFile)})");
            // Only conversions of recomputed persons (and those without a person) are credited anew.
            scope = " AND (person_id IS NULL OR person_id IN (SELECT person_id FROM recomputed_persons))";
        }
        db.Execute($"""
            CREATE TEMP TABLE conv AS
            SELECT conversion_id, conversion_type, person_id, "timestamp" AS converted_at, coalesce(revenue, 0) AS revenue,
                   CASE WHEN lead_at <= "timestamp" THEN lead_at END AS lead_at,
                   CASE WHEN opportunity_at <= "timestamp" THEN opportunity_at END AS opportunity_at
            FROM conversions WHERE conversion_type IN ({typeList}){DateFilter("\"timestamp\"")}{scope}
            """);
        // An incremental run credits recomputed persons only. Their touchpoints are all in this version's delta (a
        // recomputed person's id is new or one the run replaced: see PersonDelta), so that file is read, not every touchpoint.
        var touchpoints = "touchpoints";
        if (_increment is not null && PersonDelta.Has(lake.CurrentDerived))
        {
            touchpoints = $"""
                (SELECT * FROM read_parquet({LakeDatabase.Literal(PersonDelta.DeltaFile(lake.CurrentDerived, "touchpoints"))})
                 WHERE person_id IN (SELECT person_id FROM recomputed_persons))
                """;
        }
        db.Execute(PathsSql(touchpoints));
        Conversions = Count("SELECT count(*) FROM conv");
        Untouched = Count("SELECT count(*) FROM conv ANTI JOIN (SELECT DISTINCT conversion_id FROM paths) p USING (conversion_id)");
        // Without models the run only builds the paths (the paths report reads them).
        if (_request.Models.Count == 0)
            return;
        db.Execute("CREATE TEMP TABLE model_weights (conversion_type VARCHAR, model VARCHAR, dimension_value VARCHAR, weight DOUBLE, score DOUBLE)");
        var dataDriven = _request.Models.Any(m => AttributionModels.DataDriven.Contains(m));
        if (dataDriven || _stateDirectory is not null)
            DataDrivenWeights.BuildPaths(db, _request, _increment?.PreviousVersion, touchpoints);
        if (dataDriven)
            DataDrivenWeights.Solve(db, _request, Types);
        // The credits stream from the query into their files, not materialized; the reports then read them back from
        // the files written. A recompute stores its data-driven credits as path shapes and writes their weights apart.
        var stored = Shaped ? _request.Models.Where(m => !AttributionModels.DataDriven.Contains(m)).ToList() : _request.Models;
        var appended = false;
        if (_increment is not null)
        {
            db.Execute("CREATE TEMP TABLE new_credits AS " + CreditsSql(stored));
            var previous = Path.Combine(_increment.PreviousVersion, "_state", "credits");
            appended = CreditsStore.TryAppend(db, lake, previous, stored, _increment.FoldShare);
            // A delta past its share of the base: everything is written whole, the previous rows of persons not recomputed kept.
            if (!appended)
            {
                db.Execute($"""
                    CREATE TEMP VIEW run_credits AS
                    SELECT * FROM new_credits
                    UNION ALL BY NAME
                    SELECT o.* FROM ({CreditsStore.StoredSql(previous, shapedBase: true)}) o ANTI JOIN previous_persons x ON x.person_id = o.person_id
                    WHERE o.person_id IS NOT NULL
                    """);
            }
        }
        else
            db.Execute("CREATE TEMP VIEW run_credits AS " + CreditsSql(stored));
        var published = appended ? [] : CreditsStore.Replace(db, lake, Types, _request.Dimension, stored, Shaped);
        var dataDrivenModels = _request.Models.Where(m => AttributionModels.DataDriven.Contains(m)).ToList();
        if (Shaped && dataDrivenModels.Count > 0)
            CreditsStore.WriteWeights(db, CreditsStore.Directory(lake), Types, _request.Dimension, dataDrivenModels);
        var wide = Shaped ? CreditsStore.WideSql(db, CreditsStore.Directory(lake)) : CreditsStore.ReadSql(published);
        db.Execute("CREATE OR REPLACE TEMP VIEW run_credits AS " + CreditsStore.ReadBackSql(wide));
        if (_stateDirectory is not null)
            DataDrivenWeights.SavePaths(db, _stateDirectory, _increment?.PreviousVersion, _increment?.FoldShare ?? 0);
    }

    /// <summary>
    /// Whether the run stores path shapes instead of data-driven credits (<see cref="CreditsStore.ShapeColumns"/>): a
    /// recompute's, so that the next incremental one writes new weights instead of every credit row again.
    /// </summary>
    private bool Shaped => _stateDirectory is not null;

    /// <summary>The conversion types of the run: one, a comma-separated list, or <c>all</c> in the lake.</summary>
    public IReadOnlyList<string> Types { get; private set; } = [];

    private List<string> ResolveTypes(LakeDatabase db)
    {
        var known = new List<string>();
        using (var reader = db.ExecuteReader("SELECT DISTINCT conversion_type FROM conversions ORDER BY 1"))
        {
            while (reader.Read())
                known.Add(reader.GetString(0));
        }
        if (_request.ConversionType.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            return known;
        var asked = _request.ConversionType.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        var missing = asked.Where(a => !known.Contains(a)).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"no conversions of type {string.Join(", ", missing.Select(m => $"'{m}'"))}: the lake has {string.Join(", ", known)} (or use all)");
        return asked;
    }

    private long Count(string sql) => Convert.ToInt64(Database.ExecuteScalar(sql), CultureInfo.InvariantCulture);

    private string DateFilter(string column)
    {
        var sb = new StringBuilder();
        if (_request.From is { } from)
            sb.Append(CultureInfo.InvariantCulture, $" AND {column} >= DATE '{from:yyyy-MM-dd}'");
        if (_request.To is { } to)
            sb.Append(CultureInfo.InvariantCulture, $" AND {column} < DATE '{to:yyyy-MM-dd}' + INTERVAL 1 DAY");
        return sb.ToString();
    }

    /// <summary>
    /// The <c>paths</c> table: one row per (conversion, touch in its window) with what the credit expressions of
    /// <see cref="HeuristicCreditsSql"/> read. One window numbers the touches; the per-path and per-value figures are
    /// aggregates joined back. Computing them as window functions too took four sorts of the wide rows, 5.8 s of the
    /// 10 s budget at 10M events.
    /// </summary>
    private string PathsSql(string touchpoints)
    {
        var lookback = ((long)_request.Lookback.TotalMilliseconds * 1000).ToString(CultureInfo.InvariantCulture);
        var dimension = AttributionModels.Dimensions[_request.Dimension];
        return $"""
            CREATE TEMP TABLE paths AS
            WITH touched AS MATERIALIZED (
                SELECT c.rowid AS conversion_key, t.touchpoint_id, t."timestamp" AS touched_at, t.channel,
                       coalesce({dimension}, '(not set)') AS dimension_value,
                       t."timestamp" <= c.lead_at AS by_lead, t."timestamp" <= c.opportunity_at AS by_opportunity,
                       pow(2.0, -(date_diff('millisecond', t."timestamp", c.converted_at) / 86400000.0) / {AttributionModels.Sql(_request.HalfLifeDays)}) AS decay,
                       row_number() OVER (PARTITION BY c.rowid ORDER BY t."timestamp", t.event_id) AS i
                FROM conv c
                JOIN {touchpoints} t ON t.person_id = c.person_id AND t."timestamp" <= c.converted_at
                                  AND t."timestamp" >= c.converted_at - to_microseconds({lookback})),
            per_path AS (
                -- Touches are in time order, so those at or before a milestone are a prefix: its last is their count.
                SELECT conversion_key, count(*) AS n,
                       nullif(count(*) FILTER (WHERE by_lead), 0) AS lead_i,
                       nullif(count(*) FILTER (WHERE by_opportunity), 0) AS opp_i,
                       max(i) FILTER (WHERE channel <> 'Direct') AS lnd_i,
                       sum(decay) AS decay_total{(Shaped ? ",\n                       array_to_string(list_sort(list_distinct(list(dimension_value))), chr(31)) AS value_set" : "")}
                FROM touched GROUP BY conversion_key),
            per_value AS (
                SELECT conversion_key, dimension_value, min(i) AS first_i, count(*) AS value_touches
                FROM touched GROUP BY conversion_key, dimension_value)
            SELECT c.conversion_id, c.conversion_type, c.person_id, c.converted_at, c.revenue, t.conversion_key, t.touchpoint_id,
                   t.touched_at, t.channel, t.dimension_value, t.i, p.n, p.lead_i, p.opp_i, p.lnd_i, t.decay, p.decay_total,
                   t.i = v.first_i AS first_of_value, v.value_touches,
                   p.n - {HeuristicCreditsSql.Roles(closing: false)} AS rest_w, p.n - {HeuristicCreditsSql.Roles(closing: true)} AS rest_fp{(Shaped ? ", p.value_set" : "")}
            FROM touched t
            JOIN per_path p USING (conversion_key)
            JOIN per_value v USING (conversion_key, dimension_value)
            JOIN conv c ON c.rowid = t.conversion_key
            """;
    }

    /// <summary>
    /// The run's credits in the stored layout (<see cref="CreditsStore"/>): one row per touch of each path with a
    /// column per model, and for a conversion with no touch in its window one row crediting <c>(none)</c> fully.
    /// </summary>
    private string CreditsSql(IReadOnlyList<string> models)
    {
        var dimension = LakeDatabase.Literal(_request.Dimension);
        // DOUBLE in every file: a bare 1.0 is a DECIMAL in DuckDB, and a BI tool would see the type change between runs.
        var credits = string.Join(",\n       ", models.Select(m => AttributionModels.Heuristic.Contains(m)
            ? $"CAST({HeuristicCreditsSql.Credit(m)} AS DOUBLE) AS \"{m}\""
            : $"CAST({DataDrivenWeights.Credit(m)} AS DOUBLE) AS \"{m}\""));
        var (weights, joins) = DataDrivenWeights.PathWeights(models, "p", "conversion_key");
        var untouched = string.Join(", ", models.Select(m => $"1.0::DOUBLE AS \"{m}\""));
        var shape = Shaped ? ",\n       n AS path_touches, value_touches, value_set" : "";
        var untouchedShape = Shaped ? $", 1::BIGINT AS path_touches, 1::BIGINT AS value_touches, '{AttributionModels.NoTouch}' AS value_set" : "";
        return $"""
            SELECT conversion_id, conversion_type, {dimension} AS dimension, dimension_value, person_id, touchpoint_id,
                   touched_at AS touch_timestamp, converted_at, revenue AS conversion_revenue,
                   {credits}{shape}
            FROM (SELECT p.*{weights}
                  FROM paths p{joins})
            UNION ALL BY NAME
            SELECT c.conversion_id, c.conversion_type, {dimension} AS dimension, '{AttributionModels.NoTouch}' AS dimension_value, c.person_id,
                   NULL::VARCHAR AS touchpoint_id, NULL::TIMESTAMP AS touch_timestamp, c.converted_at, c.revenue AS conversion_revenue, {untouched}{untouchedShape}
            FROM conv c
            WHERE NOT EXISTS (SELECT 1 FROM paths p WHERE p.conversion_id = c.conversion_id)
            """;
    }

    /// <summary>
    /// One row per (model, dimension value): fractional conversions, credited revenue and, where spend has the
    /// dimension, spend, ROAS and CPA. Values with spend and no credit are listed too (they cost and won nothing).
    /// </summary>
    public string ReportSql
    {
        get
        {
            var by = _request.Dimension;
            var order = string.Join(", ", _request.Models.Select((m, i) => $"('{m}', {i})"));
            var spend = AttributionModels.SpendDimensions.TryGetValue(by, out var spendDimension)
                ? $"SELECT {spendDimension} AS dimension_value, sum(CAST(cost AS DOUBLE)) AS spend FROM spend s WHERE true{DateFilter("s.date")} GROUP BY 1"
                : "SELECT NULL::VARCHAR AS dimension_value, NULL::DOUBLE AS spend WHERE false";
            // One type: the SPEC's columns. Several: the same, per conversion type (a leading column).
            var types = string.Join(", ", Types.Select(t => $"({LakeDatabase.Literal(t)})"));
            var typeColumn = Types.Count > 1 ? "k.conversion_type, " : "";
            return $"""
                WITH models(model, position) AS (VALUES {order}),
                types(conversion_type) AS (VALUES {types}),
                credited AS (
                    SELECT conversion_type, model, dimension_value, sum(credit) AS conversions, sum(revenue) AS revenue
                    FROM run_credits GROUP BY ALL),
                spent AS ({spend}),
                keys AS (
                    SELECT conversion_type, model, dimension_value FROM credited
                    UNION SELECT t.conversion_type, m.model, s.dimension_value
                    FROM types t CROSS JOIN models m CROSS JOIN spent s WHERE s.dimension_value IS NOT NULL)
                SELECT {typeColumn}k.model, k.dimension_value AS "{by}",
                       round(coalesce(c.conversions, 0), 4) AS conversions,
                       round(coalesce(c.revenue, 0), 2) AS revenue,
                       round(s.spend, 2) AS spend,
                       round(c.revenue / nullif(s.spend, 0), 4) AS roas,
                       round(s.spend / nullif(c.conversions, 0), 2) AS cpa{(_request.Models.Contains("markov") ? ",\n                       round(w.score, 6) AS removal_effect" : "")}
                FROM keys k
                JOIN models m USING (model)
                LEFT JOIN credited c USING (conversion_type, model, dimension_value)
                LEFT JOIN spent s USING (dimension_value)
                LEFT JOIN model_weights w ON w.model = 'markov' AND k.model = 'markov' AND w.conversion_type = k.conversion_type
                                         AND w.dimension_value = k.dimension_value
                ORDER BY k.conversion_type, m.position, revenue DESC, conversions DESC, k.dimension_value
                """;
        }
    }

    public void Dispose() => Database.Dispose();
}

/// <summary>An incremental credit run: the previous version and the persons the stitch replaced and recomputed.</summary>
public sealed record CreditsIncrement(string PreviousVersion, string PreviousPersonsFile, string RecomputedPersonsFile)
{
    /// <summary>Delta rows as a share of the base rows above which the credits are written whole (<see cref="CreditsStore.TryAppend"/>).</summary>
    public double FoldShare { get; init; } = Derived.PersonDelta.DefaultFoldShare;
}
