using System.Globalization;
using System.Runtime.ExceptionServices;
using ClosedLoop.Core.Attribution;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Maintenance;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// Markov and Shapley weights per dimension value. DuckDB aggregates the distinct paths (and channel sets) of the
/// run's conversions and of persons who did not convert; the solvers in Core turn them into weights, written to
/// the <c>model_weights</c> temp table. A conversion's credit is then split over the values on its path in
/// proportion to their weights, and within a value equally over its touches (<see cref="Credit"/>).
/// </summary>
public static class DataDrivenWeights
{
    private const char Separator = '\u001f';

    /// <summary>
    /// Per touch of a path, under data-driven model <paramref name="model"/>: <c>w_MODEL</c> (the weight of the touch's
    /// value) / (<c>value_touches</c>, the touches of that value on the path, × <c>pw_MODEL</c>, the sum of the distinct
    /// values' weights), the columns of <see cref="PathWeights"/>. A path whose values all have zero weight is split
    /// linearly over its <c>n</c> touches.
    /// </summary>
    public static string Credit(string model) =>
        $"CASE WHEN pw_{model} > 0 THEN w_{model} / (value_touches * pw_{model}) ELSE 1.0 / n END";

    /// <summary>
    /// For each data-driven model of <paramref name="models"/>, over touch rows aliased <paramref name="alias"/> (with
    /// <c>conversion_type</c>, <c>dimension_value</c> and <c>first_of_value</c>): the columns <see cref="Credit"/> reads,
    /// each path being the rows of one <paramref name="pathKey"/>, and the joins to <c>model_weights</c> they need.
    /// </summary>
    public static (string Columns, string Joins) PathWeights(IEnumerable<string> models, string alias, string pathKey)
    {
        ArgumentNullException.ThrowIfNull(models);
        var dataDriven = models.Where(m => AttributionModels.DataDriven.Contains(m)).ToList();
        var columns = string.Concat(dataDriven.Select(m => $",\n                   coalesce(w_{m}.weight, 0) AS w_{m}" +
            $",\n                   sum(CASE WHEN {alias}.first_of_value THEN coalesce(w_{m}.weight, 0) ELSE 0 END) OVER (PARTITION BY {alias}.{pathKey}) AS pw_{m}"));
        var joins = string.Concat(dataDriven.Select(m =>
            $"\n                 LEFT JOIN model_weights w_{m} ON w_{m}.model = '{m}' AND w_{m}.conversion_type = {alias}.conversion_type AND w_{m}.dimension_value = {alias}.dimension_value"));
        return (columns, joins);
    }

    /// <summary>
    /// A group's values joined in the order of <paramref name="orderBy"/>. DuckDB's ordered <c>string_agg</c> sorts
    /// per group and took 7 s over 3.5M touchpoints; collecting structs and sorting each small list takes 2 s.
    /// </summary>
    public static string OrderedPath(string orderBy, string value, string separator)
    {
        var keys = orderBy.Split(',', StringSplitOptions.TrimEntries);
        var fields = string.Join(", ", keys.Select((k, i) => $"'k{i}': {k}"));
        return $"array_to_string(list_transform(list_sort(list({{{fields}, 'v': {value}}})), x -> x.v), {separator})";
    }

    /// <summary>
    /// The paths the solvers count, built once for every conversion type: <c>conversion_paths</c> (each converting path,
    /// from the <c>paths</c> table) and <c>person_paths</c> (each person's whole path in the period the conversions can
    /// reach, counted as not converting for every type the person has no conversion of). With
    /// <paramref name="previousVersion"/> (an incremental run), only recomputed persons' paths are built and the
    /// previous version's saved paths of everyone else are kept.
    /// </summary>
    public static void BuildPaths(LakeDatabase db, AttributionRequest request, string? previousVersion, string touchpoints = "touchpoints")
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var lookback = ((long)request.Lookback.TotalMilliseconds * 1000).ToString(CultureInfo.InvariantCulture);
        var window = (request.From is { } from ? $" AND t.\"timestamp\" >= DATE '{from:yyyy-MM-dd}' - to_microseconds({lookback})" : "")
                     + (request.To is { } to ? $" AND t.\"timestamp\" < DATE '{to:yyyy-MM-dd}' + INTERVAL 1 DAY" : "");
        var dimension = AttributionModels.Dimensions[request.Dimension];
        string Saved(string name) => $"({SavedPathsSql(InputManifest.StateDirectory(previousVersion!), name)})";
        var persons = previousVersion is null ? "" : " AND t.person_id IN (SELECT person_id FROM recomputed_persons)";
        // Converting paths order simultaneous touches as person paths do (by value), so both count the same sequences.
        db.Execute($"""
            CREATE TEMP TABLE conversion_paths AS
            SELECT conversion_id, conversion_type, person_id, {OrderedPath("touched_at, dimension_value", "dimension_value", "chr(31)")} AS path
            FROM paths GROUP BY conversion_id, conversion_type, person_id
            """);
        db.Execute(PersonPathsSql(db, "person_paths", $"coalesce({dimension}, '(not set)')", $"WHERE true{window}{persons}", source: touchpoints));
        if (previousVersion is null)
        {
            // Persons per distinct path, counted once; each type then only adjusts the paths of its conversions and converters.
            db.Execute("CREATE TEMP TABLE person_path_counts AS SELECT path, count(*) AS persons FROM person_paths GROUP BY path");
            db.Execute("CREATE TEMP TABLE converters AS SELECT DISTINCT conversion_type, person_id FROM conv WHERE person_id IS NOT NULL");
            db.Execute($"CREATE TEMP TABLE path_adjustments AS {AdjustmentsSql("person_paths", "conversion_paths", "converters")}");
            return;
        }
        // An incremental run's paths are the recomputed persons'. The counts are the previous version's, less what its
        // replaced persons' saved paths and conversions added, plus the recomputed persons': the same sums a full run
        // takes over every person, without reading every person's path (1 s of the attribution step at 10M events).
        var state = InputManifest.StateDirectory(previousVersion);
        db.Execute($"CREATE TEMP TABLE replaced_person_paths AS SELECT o.* FROM {Saved("person_paths")} o SEMI JOIN previous_persons x ON x.person_id = o.person_id");
        db.Execute($"CREATE TEMP TABLE replaced_conversion_paths AS SELECT o.* FROM {Saved("conversion_paths")} o SEMI JOIN previous_persons x ON x.person_id = o.person_id");
        db.Execute($"""
            CREATE TEMP TABLE replaced_converters AS
            SELECT DISTINCT o.conversion_type, o.person_id FROM ({PersonDelta.TableSql(previousVersion, "conversions")}) o
            SEMI JOIN previous_persons x ON x.person_id = o.person_id
            """);
        // conv holds every conversion of the recomputed persons: an incremental run credits every type and date.
        db.Execute("CREATE TEMP TABLE converters AS SELECT DISTINCT conversion_type, person_id FROM conv WHERE person_id IN (SELECT person_id FROM recomputed_persons)");
        db.Execute($"""
            CREATE TEMP TABLE person_path_counts AS
            SELECT path, CAST(sum(persons) AS BIGINT) AS persons FROM (
                SELECT path, persons FROM read_parquet({LakeDatabase.Literal(Path.Combine(state, PathPersonsFile))})
                UNION ALL SELECT path, -count(*) FROM replaced_person_paths GROUP BY path
                UNION ALL SELECT path, count(*) FROM person_paths GROUP BY path)
            GROUP BY path HAVING sum(persons) <> 0
            """);
        db.Execute($"""
            CREATE TEMP TABLE path_adjustments AS
            SELECT conversion_type, path, CAST(sum(converted) AS BIGINT) AS converted, CAST(sum(converters) AS BIGINT) AS converters FROM (
                SELECT conversion_type, path, converted, converters FROM read_parquet({LakeDatabase.Literal(Path.Combine(state, PathAdjustmentsFile))})
                UNION ALL
                SELECT conversion_type, path, -converted, -converters FROM ({AdjustmentsSql("replaced_person_paths", "replaced_conversion_paths", "replaced_converters")})
                UNION ALL
                {AdjustmentsSql("person_paths", "conversion_paths", "converters")})
            GROUP BY ALL HAVING sum(converted) <> 0 OR sum(converters) <> 0
            """);
    }

    /// <summary>The state files of the solvers' counts: persons per distinct path, and per type and path its conversions and converters.</summary>
    private const string PathPersonsFile = "path_persons.parquet", PathAdjustmentsFile = "path_adjustments.parquet";

    /// <summary>Per type and path: the conversions whose path it is, and the converters of the type whose whole path it is.</summary>
    private static string AdjustmentsSql(string personPaths, string conversionPaths, string converters) => $"""
        SELECT conversion_type, path, CAST(sum(converted) AS BIGINT) AS converted, CAST(sum(converters) AS BIGINT) AS converters FROM (
            SELECT conversion_type, path, count(*) AS converted, 0 AS converters FROM {conversionPaths} GROUP BY ALL
            UNION ALL
            SELECT c.conversion_type, p.path, 0, count(*) FROM {personPaths} p JOIN {converters} c ON c.person_id = p.person_id GROUP BY ALL)
        GROUP BY ALL
        """;

    /// <summary>
    /// Each person's whole path (values in time order; simultaneous touches in value order) from the touchpoints
    /// <paramref name="filter"/> keeps. Sorting each person's list of (time, value) structs took most of a Markov
    /// run; a list of integers sorts in half the time, so each touch becomes one BIGINT (microseconds since the
    /// earliest touch, shifted, with the value's code in the low bits) when the span and the values fit in 62 bits,
    /// and is named again after the sort.
    /// </summary>
    internal static string PersonPathsSql(LakeDatabase db, string table, string value, string filter, bool allowPacked = true, string source = "touchpoints")
    {
        // One scan for the values and the time span the packing needs.
        db.Execute($"""
            CREATE OR REPLACE TEMP TABLE path_values AS
            SELECT v AS value, (row_number() OVER (ORDER BY v) - 1)::BIGINT AS code, first_us, last_us
            FROM (SELECT {value} AS v, min(epoch_us(t."timestamp")) AS first_us, max(epoch_us(t."timestamp")) AS last_us
                  FROM {source} t {filter} GROUP BY 1)
            """);
        long count, earliest, span;
        using (var reader = db.ExecuteReader("""
            SELECT count(*), coalesce(min(first_us), 0), coalesce(max(last_us) - min(first_us), 0) FROM path_values
            """))
        {
            reader.Read();
            count = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            earliest = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            span = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
        }
        var bits = (int)Math.Max(1, 64 - long.LeadingZeroCount(Math.Max(count - 1, 1)));
        if (!allowPacked || bits > 30 || span >= 1L << (62 - bits))
        {
            return $"""
                CREATE TEMP TABLE {table} AS
                SELECT t.person_id, {OrderedPath("t.\"timestamp\"", value, "chr(31)")} AS path
                FROM {source} t {filter}
                GROUP BY t.person_id
                """;
        }
        var mask = (1L << bits) - 1;
        return $"""
            CREATE TEMP TABLE {table} AS
            WITH keyed AS (
                SELECT t.person_id, list_sort(list(((epoch_us(t."timestamp") - {earliest}) << {bits}) | v.code)) AS keys
                FROM {source} t
                JOIN path_values v ON v.value = {value}
                {filter}
                GROUP BY t.person_id)
            SELECT k.person_id, array_to_string(list_transform(k.keys, x -> n.names[(x & {mask}) + 1]), chr(31)) AS path
            FROM keyed k CROSS JOIN (SELECT list(value ORDER BY code) AS names FROM path_values) n
            """;
    }

    /// <summary>
    /// Saved paths (<c>person_paths</c> or <c>conversion_paths</c>) of a state directory: the base file, less the rows
    /// of persons an incremental run replaced since, plus its delta (<see cref="SavePaths"/>).
    /// </summary>
    internal static string SavedPathsSql(string state, string name)
    {
        var rows = $"SELECT * FROM read_parquet({LakeDatabase.Literal(Path.Combine(state, name + ".parquet"))})";
        var delta = Path.Combine(state, PathsDelta);
        if (!File.Exists(Path.Combine(delta, "replaced_persons.parquet")))
            return rows;
        return PersonDelta.MergeSql(rows, Path.Combine(delta, "replaced_persons.parquet"), Path.Combine(delta, name + ".parquet"));
    }

    private const string PathsDelta = "paths_delta";

    /// <summary>
    /// Keeps this run's path aggregates in a version's state directory, for the next incremental run. After an
    /// incremental run (<paramref name="previousVersion"/>) the previous base files are linked and only a delta is
    /// written (the recomputed persons' paths and the earlier delta's still current, and the persons replaced), as for
    /// the person tables, unless it passes <paramref name="foldShare"/> of the base.
    /// </summary>
    public static void SavePaths(LakeDatabase db, string stateDirectory, string? previousVersion = null, double foldShare = 0)
    {
        ArgumentNullException.ThrowIfNull(db);
        Directory.CreateDirectory(stateDirectory);
        SaveCounts(db, stateDirectory);
        string[] tables = ["conversion_paths", "person_paths"];
        if (previousVersion is not null)
        {
            var previous = InputManifest.StateDirectory(previousVersion);
            var previousDelta = Path.Combine(previous, PathsDelta);
            var hadDelta = File.Exists(Path.Combine(previousDelta, "replaced_persons.parquet"));
            long deltaRows = 0, baseRows = 0;
            foreach (var table in tables)
            {
                var delta = $"SELECT * FROM {table} WHERE person_id IN (SELECT person_id FROM recomputed_persons)";
                if (hadDelta)
                    delta += "\nUNION ALL BY NAME\n" + PersonDelta.CarriedSql(Path.Combine(previousDelta, table + ".parquet"));
                db.Execute($"CREATE OR REPLACE TEMP TABLE {table}_delta AS {delta}");
                deltaRows += Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM {table}_delta"), CultureInfo.InvariantCulture);
                baseRows += Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM read_parquet({LakeDatabase.Literal(Path.Combine(previous, table + ".parquet"))})"), CultureInfo.InvariantCulture);
            }
            if (!PersonDelta.Folds(deltaRows, baseRows, foldShare))
            {
                var delta = Path.Combine(stateDirectory, PathsDelta);
                Directory.CreateDirectory(delta);
                foreach (var table in tables)
                {
                    HardLinks.LinkOrCopy(Path.Combine(previous, table + ".parquet"), Path.Combine(stateDirectory, table + ".parquet"));
                    db.CopyToParquet($"SELECT * FROM {table}_delta", Path.Combine(delta, table + ".parquet"), PersonDelta.DeltaRowGroupSize);
                }
                db.CopyToParquet(PersonDelta.ReplacedSql(hadDelta ? Path.Combine(previousDelta, "replaced_persons.parquet") : null),
                    Path.Combine(delta, "replaced_persons.parquet"));
                return;
            }
        }
        // After an incremental run the tables hold the recomputed persons' paths; written whole, they take everyone else's saved ones.
        foreach (var table in tables)
        {
            var rows = previousVersion is null ? $"SELECT * FROM {table}" : $"""
                SELECT * FROM {table}
                UNION ALL BY NAME
                SELECT o.* FROM ({SavedPathsSql(InputManifest.StateDirectory(previousVersion), table)}) o ANTI JOIN previous_persons x ON x.person_id = o.person_id
                """;
            db.CopyToParquet(rows, Path.Combine(stateDirectory, table + ".parquet"));
        }
    }

    /// <summary>Keeps the solvers' counts in the state directory; they are small (one row per distinct path and type).</summary>
    private static void SaveCounts(LakeDatabase db, string stateDirectory)
    {
        db.CopyToParquet("SELECT path, persons FROM person_path_counts", Path.Combine(stateDirectory, PathPersonsFile));
        db.CopyToParquet("SELECT conversion_type, path, converted, converters FROM path_adjustments", Path.Combine(stateDirectory, PathAdjustmentsFile));
    }

    /// <summary>Solves the requested data-driven models for each of <paramref name="conversionTypes"/> from the tables of <see cref="BuildPaths"/>.</summary>
    /// <remarks>
    /// Per type and distinct path the solvers count converting paths of the type, and every person's path less those of
    /// the type's converters. Every type counts every person's path, so the distinct paths are read and split once and
    /// each type only adjusts the paths of its conversions and converters; counting and reading the paths per type took
    /// 2.3 s of a 4 s incremental attribution step at 10M events. A path's value set (for Shapley) is taken from the
    /// distinct path, not from each person's touches.
    /// </remarks>
    public static void Solve(LakeDatabase db, AttributionRequest request, IReadOnlyList<string> conversionTypes)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(conversionTypes);
        var models = request.Models.Where(m => AttributionModels.DataDriven.Contains(m)).ToList();
        if (conversionTypes.Count == 0 || models.Count == 0)
            return;
        var types = string.Join(", ", conversionTypes.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"({LakeDatabase.Literal(t)}, {i})")));
        // Each distinct path once, in path order, with the id its adjustments are read by: reading the path strings of
        // every adjustment row and looking them up took 0.3 s at 10M events.
        db.Execute($"""
            CREATE OR REPLACE TEMP TABLE path_ids AS
            WITH types(conversion_type, t) AS (VALUES {types})
            SELECT p.path, CAST(row_number() OVER (ORDER BY p.path) - 1 AS INTEGER) AS id, CAST(coalesce(c.persons, 0) AS BIGINT) AS persons
            FROM (SELECT path FROM person_path_counts
                  UNION SELECT path FROM path_adjustments WHERE conversion_type IN (SELECT conversion_type FROM types)) p
            LEFT JOIN person_path_counts c USING (path)
            """);
        var count = Convert.ToInt32(db.ExecuteScalar("SELECT count(*) FROM path_ids"), CultureInfo.InvariantCulture);
        var pathStrings = new string[count];
        var persons = new long[count];
        using (var reader = db.ExecuteReader("SELECT id, path, persons FROM path_ids"))
        {
            while (reader.Read())
            {
                var id = reader.GetInt32(0);
                pathStrings[id] = reader.GetString(1);
                persons[id] = reader.GetInt64(2);
            }
        }
        var paths = new PathCounts(pathStrings, persons);
        var adjustments = conversionTypes.Select(_ => new List<(int Path, long Converted, long Converters)>()).ToArray();
        using (var reader = db.ExecuteReader($"""
            WITH types(conversion_type, t) AS (VALUES {types})
            SELECT y.t, i.id, a.converted, a.converters
            FROM path_adjustments a JOIN types y USING (conversion_type) JOIN path_ids i USING (path)
            """))
        {
            while (reader.Read())
            {
                adjustments[reader.GetInt32(0)].Add((reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }
        // The paths are walked into chain transitions once for every type (MarkovPaths); each type only adds up its counts.
        var markov = models.Contains("markov") ? new MarkovPaths(paths.Values, new MarkovOptions(request.MarkovOrder, request.CollapseRepeats)) : null;
        // The solvers are pure CPU work over shared, read-only counts: one type per core, appended in order after.
        var solved = new ChannelWeights[conversionTypes.Count][];
        try
        {
            Parallel.For(0, conversionTypes.Count, t =>
            {
                var converted = new long[paths.Count];
                var notConverted = paths.Persons.ToArray();
                foreach (var (path, conversions, converters) in adjustments[t])
                {
                    converted[path] += conversions;
                    notConverted[path] -= converters;
                }
                solved[t] = [.. models.Select(model => model == "markov" ? markov!.Compute(converted, notConverted) : Shapley(paths, converted, notConverted))];
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            // A solver's own error (too many values, say) reads as it did before the types were solved in parallel.
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }
        for (var t = 0; t < conversionTypes.Count; t++)
        {
            for (var m = 0; m < models.Count; m++)
                AppendWeights(db, conversionTypes[t], models[m], solved[t][m]);
        }
    }

    /// <summary>The distinct paths, each split into its values once, with every person's count and the value set's index.</summary>
    internal sealed class PathCounts
    {
        /// <summary>
        /// Splits <paramref name="paths"/> and indexes their value sets. Values are interned (a lake has tens of channels
        /// and 60,000 distinct paths at 10M events), and a set is keyed by a bit per value id while there are at most 64:
        /// splitting, de-duplicating and sorting every path's strings took 0.28 s of an incremental run there.
        /// </summary>
        public PathCounts(string[] paths, long[] persons)
        {
            Persons = persons;
            Values = new string[paths.Length][];
            SetOf = new int[paths.Length];
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            var names = new List<string>();
            var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
            var masks = new Dictionary<ulong, int>();
            var setIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            var pathIds = new List<int>();
            var pathMasks = new ulong[paths.Length];
            for (var i = 0; i < paths.Length; i++)
            {
                pathIds.Clear();
                foreach (var range in paths[i].AsSpan().Split(Separator))
                {
                    var token = paths[i].AsSpan()[range];
                    if (!lookup.TryGetValue(token, out var id))
                    {
                        id = names.Count;
                        var name = token.ToString();
                        names.Add(name);
                        ids.Add(name, id);
                    }
                    pathIds.Add(id);
                }
                var values = new string[pathIds.Count];
                var mask = 0UL;
                for (var k = 0; k < values.Length; k++)
                {
                    values[k] = names[pathIds[k]];
                    mask |= pathIds[k] < 64 ? 1UL << pathIds[k] : 0;
                }
                Values[i] = values;
                pathMasks[i] = mask;
            }
            // Sets are numbered in the order their first path comes, either way.
            for (var i = 0; i < paths.Length; i++)
                SetOf[i] = names.Count <= 64 ? SetByMask(pathMasks[i], Values[i], masks) : SetByKey(Values[i], setIndex);
        }

        private int SetByMask(ulong mask, string[] values, Dictionary<ulong, int> masks)
        {
            if (!masks.TryGetValue(mask, out var set))
            {
                set = Sets.Count;
                masks.Add(mask, set);
                Sets.Add(SortedSet(values));
            }
            return set;
        }

        // Past 64 values the bits no longer name a set: key it by its sorted values (a lake past 64 channels is unusual).
        private int SetByKey(string[] values, Dictionary<string, int> setIndex)
        {
            var sorted = SortedSet(values);
            var key = string.Join(Separator, sorted);
            if (!setIndex.TryGetValue(key, out var set))
            {
                set = Sets.Count;
                setIndex.Add(key, set);
                Sets.Add(sorted);
            }
            return set;
        }

        private static string[] SortedSet(string[] values) => [.. values.Distinct().Order(StringComparer.Ordinal)];

        public string[][] Values { get; }

        public long[] Persons { get; }

        /// <summary>Per path, its value set's index in <see cref="Sets"/>.</summary>
        public int[] SetOf { get; }

        /// <summary>The distinct value sets, values in ordinal order.</summary>
        public List<string[]> Sets { get; } = [];

        public int Count => Values.Length;
    }

    private static void AppendWeights(LakeDatabase db, string conversionType, string model, ChannelWeights weights)
    {
        using var appender = db.Connection.CreateAppender("model_weights");
        foreach (var (value, weight) in weights.Weights)
            appender.CreateRow().AppendValue(conversionType).AppendValue(model).AppendValue(value).AppendValue(weight).AppendValue(weights.Scores[value]).EndRow();
        // Values with a score but no weight (a removal effect of 0) still show their score in the report.
        foreach (var (value, score) in weights.Scores.Where(s => !weights.Weights.ContainsKey(s.Key)))
            appender.CreateRow().AppendValue(conversionType).AppendValue(model).AppendValue(value).AppendValue(0.0).AppendValue(score).EndRow();
    }

    private static ChannelWeights Shapley(PathCounts paths, long[] converted, long[] notConverted)
    {
        var persons = new long[paths.Sets.Count];
        var conversions = new long[paths.Sets.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            persons[paths.SetOf[i]] += converted[i] + notConverted[i];
            conversions[paths.SetOf[i]] += converted[i];
        }
        var sets = new List<ChannelSetCount>();
        for (var s = 0; s < paths.Sets.Count; s++)
        {
            if (persons[s] > 0)
                sets.Add(new ChannelSetCount(paths.Sets[s], persons[s], conversions[s]));
        }
        return ShapleyAttribution.Compute(sets);
    }
}
