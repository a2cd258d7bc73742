using System.Text;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// <c>lake/derived/credits/</c>: per (conversion type, dimension), one row per touch of each conversion's path with a
/// credit column per model (a conversion with no touch: one row, <c>touchpoint_id</c> null, <c>(none)</c>). Storing a
/// row per (touch, model) instead wrote 11 times the rows for the rule-based models and took most of a run. The
/// <c>credits</c> view unpivots the files into the SPEC's rows (<see cref="LongSql"/>). A run writes its models' columns
/// and takes them out of the files of earlier runs, so each (type, model, dimension) has the figures of its last run.
/// </summary>
public static class CreditsStore
{
    /// <summary>The columns of a credits file before its model columns; the rest are one DOUBLE column per model.</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> TouchColumns =
    [
        ("conversion_id", "VARCHAR"), ("conversion_type", "VARCHAR"), ("dimension", "VARCHAR"), ("dimension_value", "VARCHAR"),
        ("person_id", "VARCHAR"), ("touchpoint_id", "VARCHAR"), ("touch_timestamp", "TIMESTAMP"), ("converted_at", "TIMESTAMP"),
        ("conversion_revenue", "DOUBLE"),
    ];

    /// <summary>
    /// The files' glob: <c>credits-TYPE-HASH-by-DIM.RUN.parquet</c>. Files of builds before the wide layout have no
    /// second dot; the first run in a version removes them.
    /// </summary>
    public const string FileGlob = "credits-*.*.parquet";

    /// <summary>
    /// What a data-driven credit needs of a touch's path, stored in a recompute's files instead of the Markov and Shapley
    /// columns: the path's touches, the touches of this value on it, and its distinct values (sorted, joined by U+001F;
    /// <c>(none)</c> for a conversion without touches). With the weights file the credit is a join (<see cref="WideSql"/>),
    /// so new weights rewrite a few thousand weight rows, not every credit row.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Type)> ShapeColumns =
        [("path_touches", "BIGINT"), ("value_touches", "BIGINT"), ("value_set", "VARCHAR")];

    /// <summary>Per (type, dimension, data-driven model, value set, value): the value's share of the set's weight (null: split linearly).</summary>
    public static string WeightsFile(string directory) => Path.Combine(directory, "_weights.parquet");

    /// <summary>An incremental recompute's delta: the credit rows of recomputed persons' conversions (and those without a person).</summary>
    public static string DeltaFile(string directory) => Path.Combine(directory, "_delta", "credits.parquet");

    /// <summary>
    /// <c>person_key</c>: persons whose rows in the shaped base files are no longer current (<c>''</c> for the conversions
    /// without a person, which every run credits anew).
    /// </summary>
    public static string ReplacedFile(string directory) => Path.Combine(directory, "_delta", "replaced_persons.parquet");

    public static string Directory(LakeLayout lake) => Path.Combine(lake.CurrentDerived, "credits");

    /// <summary>
    /// The stored rows of the credits files in <paramref name="directory"/>, the delta applied to the shaped ones: base
    /// rows of replaced persons dropped, delta rows added. Model columns as stored (shaped rows have no data-driven ones).
    /// </summary>
    public static string StoredSql(string directory, bool shapedBase)
    {
        var rows = ReadSql([Path.Combine(directory, FileGlob)]);
        // Only shaped rows are a recompute's, which the replaced persons apply to.
        if (shapedBase && File.Exists(ReplacedFile(directory)))
            return PersonDelta.MergeSql(rows, ReplacedFile(directory), DeltaFile(directory), "person_key", "CASE WHEN b.value_set IS NOT NULL THEN coalesce(b.person_id, '') END");
        // The delta may hold types that have no base file yet (first credited by an incremental run).
        if (File.Exists(DeltaFile(directory)))
            rows += $"\nUNION ALL BY NAME\nSELECT * FROM read_parquet({Literal(DeltaFile(directory))})";
        return rows;
    }

    /// <summary>
    /// The wide rows of <paramref name="directory"/>'s credits files (<see cref="TouchColumns"/>, then a DOUBLE column per
    /// model), for the <c>credits</c> view and the reports: the delta applied, and the data-driven credits of shaped rows
    /// computed from the weights file (<see cref="ShapeColumns"/>).
    /// </summary>
    public static string WideSql(LakeDatabase db, string directory)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(directory);
        var columns = ColumnsOf(db, ReadSql([Path.Combine(directory, FileGlob)]));
        var stored = StoredSql(directory, shapedBase: columns.Contains("value_set"));
        if (File.Exists(DeltaFile(directory)))
            columns.UnionWith(ColumnsOfFile(db, DeltaFile(directory)));
        if (!columns.Contains("value_set"))
            return stored;
        var weights = File.Exists(WeightsFile(directory)) ? $"SELECT * FROM read_parquet({Literal(WeightsFile(directory))})" : EmptyWeightsSql;
        var physical = AttributionModels.DataDriven.Where(columns.Contains).ToList();
        var exclude = string.Join(", ", ShapeColumns.Select(c => Quote(c.Name)).Concat(physical.Select(Quote)));
        // A data-driven credit of a shaped row: the value's share of its path's weight over the value's touches; a path
        // without weight is split linearly; no weights row for the model means the model was taken out (null, no credit).
        var computed = string.Concat(AttributionModels.DataDriven.Select(m =>
        {
            var value = $"CASE WHEN w_{m}.model IS NULL THEN NULL WHEN w_{m}.share IS NULL THEN 1.0 / s.path_touches ELSE w_{m}.share / s.value_touches END";
            return $",\n       CAST({(physical.Contains(m) ? $"coalesce(s.{Quote(m)}, {value})" : value)} AS DOUBLE) AS {Quote(m)}";
        }));
        var joins = string.Concat(AttributionModels.DataDriven.Select(m => $"""

            LEFT JOIN weights w_{m} ON w_{m}.model = '{m}' AND w_{m}.conversion_type = s.conversion_type AND w_{m}.dimension = s.dimension
                                  AND w_{m}.value_set = s.value_set AND w_{m}.dimension_value = s.dimension_value
            """));
        return $"""
            WITH weights AS ({weights})
            SELECT s.* EXCLUDE ({exclude}){computed}
            FROM ({stored}) s{joins}
            """;
    }

    private const string EmptyWeightsSql =
        "SELECT NULL::VARCHAR AS conversion_type, NULL::VARCHAR AS dimension, NULL::VARCHAR AS model, NULL::VARCHAR AS value_set, NULL::VARCHAR AS dimension_value, NULL::DOUBLE AS share WHERE false";

    /// <summary>The column names of a relation.</summary>
    private static HashSet<string> ColumnsOf(LakeDatabase db, string sql)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var reader = db.ExecuteReader($"DESCRIBE {sql}");
        while (reader.Read())
            names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// Writes the weights file of <paramref name="directory"/> from the run's <c>model_weights</c>: for every value set
    /// its shaped rows hold, each value's share of the set's weight under each of <paramref name="models"/> (the
    /// data-driven ones), and a share of 1 for conversions without touches.
    /// </summary>
    public static void WriteWeights(LakeDatabase db, string directory, IReadOnlyList<string> conversionTypes, string dimension, IReadOnlyList<string> models)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(conversionTypes);
        ArgumentNullException.ThrowIfNull(models);
        var modelRows = string.Join(", ", models.Select(m => $"('{m}')"));
        var typeRows = string.Join(", ", conversionTypes.Select(t => $"({LakeDatabase.Literal(t)})"));
        var files = new List<string> { Path.Combine(directory, FileGlob) };
        if (File.Exists(DeltaFile(directory)))
            files.Add(DeltaFile(directory));
        var dim = LakeDatabase.Literal(dimension);
        db.CopyToParquet($"""
            WITH models(model) AS (VALUES {modelRows}),
            types(conversion_type) AS (VALUES {typeRows}),
            sets AS (SELECT DISTINCT conversion_type, value_set FROM ({ReadSql(files)}) WHERE value_set IS NOT NULL AND value_set <> '{AttributionModels.NoTouch}'),
            members AS (SELECT conversion_type, value_set, unnest(string_split(value_set, chr(31))) AS dimension_value FROM sets),
            weighted AS (
                SELECT m.conversion_type, o.model, m.value_set, m.dimension_value, coalesce(w.weight, 0) AS weight
                FROM members m CROSS JOIN models o
                LEFT JOIN model_weights w ON w.conversion_type = m.conversion_type AND w.model = o.model AND w.dimension_value = m.dimension_value)
            SELECT conversion_type, {dim} AS dimension, model, value_set, dimension_value,
                   weight / nullif(sum(weight) OVER (PARTITION BY conversion_type, model, value_set), 0) AS share
            FROM weighted
            UNION ALL
            SELECT t.conversion_type, {dim}, o.model, '{AttributionModels.NoTouch}', '{AttributionModels.NoTouch}', 1.0::DOUBLE
            FROM types t CROSS JOIN models o
            """, WeightsFile(directory));
    }

    /// <summary>
    /// Writes the run's credits (the wide rows of the view or table <c>run_credits</c>, columns <see cref="TouchColumns"/>
    /// then one per model) in one pass partitioned by type, takes the run's models out of older files, moves the new
    /// files into place and returns them.
    /// </summary>
    public static IReadOnlyList<string> Replace(LakeDatabase db, LakeLayout lake, IReadOnlyList<string> conversionTypes, string dimension, IReadOnlyList<string> models,
        bool shaped = false)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(conversionTypes);
        ArgumentNullException.ThrowIfNull(models);
        var staging = Path.Combine(lake.Staging, "credits-" + Guid.NewGuid().ToString("N"));
        try
        {
            var columns = Columns(models, shaped);
            db.CopyToParquetPartitioned($"SELECT {columns} FROM run_credits", staging, "conversion_type");
            var target = Directory(lake);
            System.IO.Directory.CreateDirectory(target);
            // Files of the row-per-model layout: credits-TYPE-HASH-MODEL-by-DIM.parquet (one dot; the weights file starts with _).
            foreach (var legacy in System.IO.Directory.GetFiles(target, "credits-*.parquet").Where(f => Path.GetFileName(f).Count(c => c == '.') == 1))
                File.Delete(legacy);
            var run = Guid.NewGuid().ToString("N")[..12];
            var published = new List<string>();
            foreach (var conversionType in conversionTypes)
                published.AddRange(Publish(db, staging, target, conversionType, dimension, models, run, shaped));
            return published;
        }
        finally
        {
            ScratchDirectory.TryDelete(staging);
        }
    }

    /// <summary>
    /// The SPEC's credit rows (<see cref="LakeSchemas.Credits"/>: one per credited touch and model) of wide rows
    /// <paramref name="wide"/>, a relation whose columns past <see cref="TouchColumns"/> are models.
    /// </summary>
    public static string LongSql(string wide)
    {
        ArgumentNullException.ThrowIfNull(wide);
        var touch = string.Join(", ", TouchColumns.Select(c => Quote(c.Name)));
        return $"""
            SELECT conversion_id, conversion_type, model, dimension, dimension_value, person_id, touchpoint_id, touch_timestamp,
                   converted_at, credit, credit * conversion_revenue AS revenue
            FROM (UNPIVOT ({wide}) ON COLUMNS(* EXCLUDE ({touch})) INTO NAME model VALUE credit)
            WHERE credit > 0
            """;
    }

    /// <summary>
    /// The wide rows of <paramref name="files"/> (paths or globs), which may hold different models (a model a file lacks
    /// is null).
    /// </summary>
    public static string ReadSql(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var list = string.Join(", ", files.Select(f => LakeDatabase.Literal(f.Replace('\\', '/'))));
        return $"SELECT * FROM read_parquet([{list}], union_by_name = true)";
    }

    /// <summary>The credit rows of wide rows <paramref name="wide"/> in the columns of a run's <c>run_credits</c>, for the reports after a run.</summary>
    public static string ReadBackSql(string wide)
    {
        ArgumentNullException.ThrowIfNull(wide);
        return $"""
            SELECT model, conversion_id, conversion_type, person_id, touchpoint_id, touch_timestamp AS touched_at, converted_at,
                   dimension_value, credit, revenue
            FROM ({LongSql(wide)})
            """;
    }

    /// <summary>
    /// Takes <paramref name="models"/> out of the older files of (type, dimension), then moves in what the run wrote
    /// for it (an empty file when nothing) and returns the files now holding the run's figures.
    /// </summary>
    private static List<string> Publish(LakeDatabase db, string staging, string target, string conversionType, string dimension, IReadOnlyList<string> models, string run,
        bool shaped)
    {
        // DuckDB percent-encodes partition values in directory names.
        var written = System.IO.Directory.Exists(staging)
            ? System.IO.Directory.EnumerateDirectories(staging, "conversion_type=*")
                .Where(d => Uri.UnescapeDataString(Path.GetFileName(d)["conversion_type=".Length..]) == conversionType)
                .SelectMany(d => System.IO.Directory.GetFiles(d, "*.parquet"))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        var stem = Stem(conversionType, dimension);
        var older = System.IO.Directory.GetFiles(target, stem + ".*.parquet").Select(f => (File: f, Columns: ColumnsOfFile(db, f))).ToList();
        MaskShaped(db, staging, target, older.Where(o => o.Columns.Contains("value_set")).ToList(), conversionType, dimension, models);
        foreach (var (file, columns) in older.Where(o => !o.Columns.Contains("value_set")))
            TakeOut(db, staging, file, columns, models);
        var published = new List<string>(Math.Max(written.Count, 1));
        if (written.Count == 0)
        {
            published.Add(Path.Combine(target, $"{stem}.{run}.parquet"));
            db.CopyToParquet(EmptySql(models, shaped), published[0]);
            return published;
        }
        for (var i = 0; i < written.Count; i++)
        {
            published.Add(Path.Combine(target, $"{stem}.{run}{(i == 0 ? "" : "-" + i)}.parquet"));
            File.Move(written[i], published[^1], overwrite: true);
        }
        return published;
    }

    /// <summary>Removes <paramref name="models"/> from an older plain file: deleted when it holds nothing else, else rewritten without them.</summary>
    private static void TakeOut(LakeDatabase db, string staging, string file, List<string> columns, IReadOnlyList<string> models)
    {
        var heldModels = columns.Where(c => TouchColumns.All(t => t.Name != c) && ShapeColumns.All(t => t.Name != c)).ToList();
        var replaced = heldModels.Intersect(models).ToList();
        if (replaced.Count == 0)
            return;
        if (replaced.Count == heldModels.Count)
        {
            File.Delete(file);
            return;
        }
        var rewritten = Path.Combine(staging, "rewrite-" + Path.GetFileName(file));
        db.CopyToParquet($"SELECT * EXCLUDE ({string.Join(", ", replaced.Select(Quote))}) FROM read_parquet({Literal(file)})", rewritten);
        File.Move(rewritten, file, overwrite: true);
    }

    /// <summary>
    /// Takes <paramref name="models"/> out of a recompute's shaped credits of (type, dimension), wherever its rows are (the
    /// stem's shaped base files, <paramref name="shaped"/>, and the delta, which may hold a type that has no base file yet): rule-based credits become null,
    /// data-driven ones lose their weights rows. Every file keeps its columns and name and is replaced by a rename, so a
    /// reader that opened the view before keeps a valid one, and no other type's rows move.
    /// </summary>
    private static void MaskShaped(LakeDatabase db, string staging, string directory, List<(string File, List<string> Columns)> shaped, string conversionType,
        string dimension, IReadOnlyList<string> models)
    {
        var type = LakeDatabase.Literal(conversionType);
        var dim = LakeDatabase.Literal(dimension);
        void Rewrite(string file, string sql)
        {
            var rewritten = Path.Combine(staging, "mask-" + Guid.NewGuid().ToString("N") + ".parquet");
            db.CopyToParquet(sql, rewritten);
            File.Move(rewritten, file, overwrite: true);
        }
        foreach (var (file, columns) in shaped)
        {
            var masked = columns.Intersect(models).ToList();
            if (masked.Count > 0)
                Rewrite(file, $"SELECT * REPLACE ({string.Join(", ", masked.Select(m => $"NULL::DOUBLE AS {Quote(m)}"))}) FROM read_parquet({Literal(file)})");
        }
        var delta = DeltaFile(directory);
        if (File.Exists(delta) && Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM read_parquet({Literal(delta)}) WHERE conversion_type = {type} AND dimension = {dim}"),
                System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            var masked = ColumnsOfFile(db, delta).Intersect(models).ToList();
            if (masked.Count > 0)
            {
                Rewrite(delta, $"""
                    SELECT * REPLACE ({string.Join(", ", masked.Select(m => $"CASE WHEN conversion_type = {type} AND dimension = {dim} THEN NULL ELSE {Quote(m)} END::DOUBLE AS {Quote(m)}"))})
                    FROM read_parquet({Literal(delta)})
                    """);
            }
        }
        var dataDriven = models.Where(m => AttributionModels.DataDriven.Contains(m)).ToList();
        var weights = WeightsFile(directory);
        if (dataDriven.Count > 0 && File.Exists(weights))
        {
            Rewrite(weights, $"""
                SELECT * FROM read_parquet({Literal(weights)})
                WHERE NOT (conversion_type = {type} AND dimension = {dim} AND model IN ({string.Join(", ", dataDriven.Select(m => $"'{m}'"))}))
                """);
        }
    }

    private static List<string> ColumnsOfFile(LakeDatabase db, string file)
    {
        var columns = new List<string>();
        using var reader = db.ExecuteReader($"SELECT name FROM parquet_schema({Literal(file)}) WHERE num_children IS NULL");
        while (reader.Read())
            columns.Add(reader.GetString(0));
        return columns;
    }

    /// <summary>The columns of a credits file: the touch, the models, and with <paramref name="shaped"/> the path shape.</summary>
    private static string Columns(IReadOnlyList<string> models, bool shaped) =>
        string.Join(", ", TouchColumns.Select(c => Quote(c.Name)).Concat(models.Select(Quote)).Concat(shaped ? ShapeColumns.Select(c => Quote(c.Name)) : []));

    /// <summary>An empty file in the wide columns, so a run that credited nothing still replaces older figures.</summary>
    private static string EmptySql(IReadOnlyList<string> models, bool shaped = false) =>
        "SELECT " + string.Join(", ", TouchColumns.Select(c => $"NULL::{c.Type} AS {Quote(c.Name)}")
            .Concat(models.Select(m => $"NULL::DOUBLE AS {Quote(m)}"))
            .Concat(shaped ? ShapeColumns.Select(c => $"NULL::{c.Type} AS {Quote(c.Name)}") : [])) + " WHERE false";

    /// <summary>
    /// An incremental recompute's credits: <c>new_credits</c> (the shaped rows of recomputed persons' conversions and of
    /// those without a person) as a delta over the previous recompute's credits in <paramref name="previous"/>: its base
    /// files linked, its delta's rows of persons not replaced now (<c>previous_persons</c>) kept, the replaced persons
    /// added. Writes nothing and returns false when the delta would pass <paramref name="foldShare"/> of the base rows.
    /// </summary>
    public static bool TryAppend(LakeDatabase db, LakeLayout lake, string previous, IReadOnlyList<string> models, double foldShare)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(models);
        var hadDelta = File.Exists(ReplacedFile(previous));
        var delta = "SELECT * FROM new_credits";
        // Conversions without a person are in new_credits again.
        if (hadDelta)
            delta += $"\nUNION ALL BY NAME\n{PersonDelta.CarriedSql(DeltaFile(previous))}\nWHERE o.person_id IS NOT NULL";
        // Counted, then written straight from the query (not copied into a temp table first).
        var rows = Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM ({delta})"), System.Globalization.CultureInfo.InvariantCulture);
        var baseFiles = System.IO.Directory.GetFiles(previous, FileGlob);
        var baseRows = baseFiles.Length == 0 ? 0
            : Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM ({ReadSql(baseFiles)})"), System.Globalization.CultureInfo.InvariantCulture);
        if (PersonDelta.Folds(rows, baseRows, foldShare))
            return false;
        var target = Directory(lake);
        System.IO.Directory.CreateDirectory(Path.Combine(target, "_delta"));
        foreach (var file in baseFiles)
            Maintenance.HardLinks.LinkOrCopy(file, Path.Combine(target, Path.GetFileName(file)));
        db.CopyToParquet($"SELECT {Columns(models, shaped: true)} FROM ({delta})", DeltaFile(target), PersonDelta.DeltaRowGroupSize);
        db.CopyToParquet(PersonDelta.ReplacedSql(hadDelta ? ReplacedFile(previous) : null, "person_key") + " UNION SELECT ''", ReplacedFile(target));
        return true;
    }

    /// <summary>A file name stem safe on every file system, readable, and unique per (type, dimension).</summary>
    private static string Stem(string conversionType, string dimension)
    {
        var safe = new StringBuilder();
        foreach (var c in conversionType)
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '_');
        // Two types that differ only in characters replaced above ('event:A b' vs 'event:A_b') must not share a file.
        var hash = Convert.ToHexStringLower(System.IO.Hashing.XxHash32.Hash(Encoding.UTF8.GetBytes(conversionType)));
        return $"credits-{safe}-{hash}-by-{dimension}";
    }

    private static string Literal(string path) => LakeDatabase.Literal(path.Replace('\\', '/'));

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
