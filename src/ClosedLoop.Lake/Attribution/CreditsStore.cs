using System.Text;
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

    public static string Directory(LakeLayout lake) => Path.Combine(lake.CurrentDerived, "credits");

    /// <summary>
    /// Writes the run's credits (the wide rows of the view or table <c>run_credits</c>, columns <see cref="TouchColumns"/>
    /// then one per model) in one pass partitioned by type, takes the run's models out of older files, moves the new
    /// files into place and returns them.
    /// </summary>
    public static IReadOnlyList<string> Replace(LakeDatabase db, LakeLayout lake, IReadOnlyList<string> conversionTypes, string dimension, IReadOnlyList<string> models)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(conversionTypes);
        ArgumentNullException.ThrowIfNull(models);
        var staging = Path.Combine(lake.Staging, "credits-" + Guid.NewGuid().ToString("N"));
        try
        {
            var columns = string.Join(", ", TouchColumns.Select(c => Quote(c.Name)).Concat(models.Select(Quote)));
            db.CopyToParquetPartitioned($"SELECT {columns} FROM run_credits", staging, "conversion_type");
            var target = Directory(lake);
            System.IO.Directory.CreateDirectory(target);
            foreach (var legacy in System.IO.Directory.GetFiles(target, "*.parquet").Where(f => Path.GetFileName(f).Count(c => c == '.') == 1))
                File.Delete(legacy);
            var run = Guid.NewGuid().ToString("N")[..12];
            var published = new List<string>();
            foreach (var conversionType in conversionTypes)
                published.AddRange(Publish(db, staging, target, conversionType, dimension, models, run));
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

    /// <summary>The credit rows of <paramref name="files"/> in the columns of a run's <c>run_credits</c>, for the reports after a run.</summary>
    public static string ReadBackSql(IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return $"""
            SELECT model, conversion_id, conversion_type, person_id, touchpoint_id, touch_timestamp AS touched_at, converted_at,
                   dimension_value, credit, revenue
            FROM ({LongSql(ReadSql(files))})
            """;
    }

    /// <summary>
    /// Takes <paramref name="models"/> out of the older files of (type, dimension), then moves in what the run wrote
    /// for it (an empty file when nothing) and returns the files now holding the run's figures.
    /// </summary>
    private static List<string> Publish(LakeDatabase db, string staging, string target, string conversionType, string dimension, IReadOnlyList<string> models, string run)
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
        foreach (var old in System.IO.Directory.GetFiles(target, stem + ".*.parquet"))
            TakeOut(db, staging, old, models);
        var published = new List<string>(Math.Max(written.Count, 1));
        if (written.Count == 0)
        {
            published.Add(Path.Combine(target, $"{stem}.{run}.parquet"));
            db.CopyToParquet(EmptySql(models), published[0]);
            return published;
        }
        for (var i = 0; i < written.Count; i++)
        {
            published.Add(Path.Combine(target, $"{stem}.{run}{(i == 0 ? "" : "-" + i)}.parquet"));
            File.Move(written[i], published[^1], overwrite: true);
        }
        return published;
    }

    /// <summary>Removes <paramref name="models"/> from an older file: deleted when it holds nothing else, else rewritten without them.</summary>
    private static void TakeOut(LakeDatabase db, string staging, string file, IReadOnlyList<string> models)
    {
        var held = new List<string>();
        using (var reader = db.ExecuteReader($"SELECT name FROM parquet_schema({LakeDatabase.Literal(file.Replace('\\', '/'))}) WHERE num_children IS NULL"))
        {
            while (reader.Read())
                held.Add(reader.GetString(0));
        }
        var heldModels = held.Where(c => TouchColumns.All(t => t.Name != c)).ToList();
        var replaced = heldModels.Intersect(models).ToList();
        if (replaced.Count == 0)
            return;
        if (replaced.Count == heldModels.Count)
        {
            File.Delete(file);
            return;
        }
        var rewritten = Path.Combine(staging, "rewrite-" + Path.GetFileName(file));
        db.CopyToParquet($"SELECT * EXCLUDE ({string.Join(", ", replaced.Select(Quote))}) FROM read_parquet({LakeDatabase.Literal(file.Replace('\\', '/'))})", rewritten);
        File.Move(rewritten, file, overwrite: true);
    }

    /// <summary>An empty file in the wide columns, so a run that credited nothing still replaces older figures.</summary>
    private static string EmptySql(IReadOnlyList<string> models) =>
        "SELECT " + string.Join(", ", TouchColumns.Select(c => $"NULL::{c.Type} AS {Quote(c.Name)}").Concat(models.Select(m => $"NULL::DOUBLE AS {Quote(m)}"))) + " WHERE false";

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

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
