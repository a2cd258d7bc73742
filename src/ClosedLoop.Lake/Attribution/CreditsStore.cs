using System.Text;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// <c>lake/derived/credits/</c>: one Parquet file per (conversion type, model, dimension), so any BI tool can
/// slice per-touch credits. A run replaces exactly the files of what it computed: written to staging, then the old
/// file is removed and the new one renamed into place.
/// </summary>
public static class CreditsStore
{
    public static string Directory(LakeLayout lake) => Path.Combine(lake.CurrentDerived, "credits");

    /// <summary>
    /// Writes the run's credits (the view or table <c>run_credits</c>) in one pass partitioned by type and model, then
    /// moves each file into place and returns the files published. A touch's own columns (channel, campaign, landing
    /// page) stay in <c>touchpoints</c>.
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
            db.CopyToParquetPartitioned($"""
                SELECT conversion_id, conversion_type, model, '{dimension}' AS dimension, dimension_value, person_id,
                       touchpoint_id, touched_at AS touch_timestamp, converted_at, credit, revenue
                FROM run_credits
                """, staging, "conversion_type, model");
            var target = Directory(lake);
            System.IO.Directory.CreateDirectory(target);
            var published = new List<string>();
            foreach (var conversionType in conversionTypes)
            {
                foreach (var model in models)
                    published.AddRange(Publish(db, staging, target, conversionType, model, dimension));
            }
            return published;
        }
        finally
        {
            ScratchDirectory.TryDelete(staging);
        }
    }

    /// <summary>The rows of <paramref name="files"/> in the columns of a run's <c>run_credits</c>, for the reports after a run.</summary>
    public static string ReadBackSql(IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var list = string.Join(", ", files.Select(f => LakeDatabase.Literal(f.Replace('\\', '/'))));
        return $"""
            SELECT model, conversion_id, conversion_type, person_id, touchpoint_id, touch_timestamp AS touched_at, converted_at,
                   dimension_value, credit, revenue
            FROM read_parquet([{list}])
            """;
    }

    /// <summary>
    /// Replaces the files of one (type, model, dimension) with what the run wrote for it (an empty file when nothing)
    /// and returns the files now in place.
    /// </summary>
    private static List<string> Publish(LakeDatabase db, string staging, string target, string conversionType, string model, string dimension)
    {
        // DuckDB percent-encodes partition values in directory names.
        var written = System.IO.Directory.Exists(staging)
            ? System.IO.Directory.EnumerateDirectories(staging, "conversion_type=*")
                .Where(d => Uri.UnescapeDataString(Path.GetFileName(d)["conversion_type=".Length..]) == conversionType)
                .Select(d => Path.Combine(d, "model=" + model))
                .Where(System.IO.Directory.Exists)
                .SelectMany(d => System.IO.Directory.GetFiles(d, "*.parquet"))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        var stem = Path.GetFileNameWithoutExtension(FileName(conversionType, model, dimension));
        foreach (var old in System.IO.Directory.GetFiles(target, stem + "*.parquet"))
            File.Delete(old);
        var first = Path.Combine(target, stem + ".parquet");
        if (written.Count == 0)
        {
            db.CopyToParquet($"""
                SELECT NULL::VARCHAR AS conversion_id, NULL::VARCHAR AS conversion_type, NULL::VARCHAR AS model, NULL::VARCHAR AS dimension,
                       NULL::VARCHAR AS dimension_value, NULL::VARCHAR AS person_id, NULL::VARCHAR AS touchpoint_id,
                       NULL::TIMESTAMP AS touch_timestamp, NULL::TIMESTAMP AS converted_at, NULL::DOUBLE AS credit, NULL::DOUBLE AS revenue
                WHERE false
                """, first);
            return [first];
        }
        var published = new List<string>(written.Count);
        for (var i = 0; i < written.Count; i++)
        {
            published.Add(i == 0 ? first : Path.Combine(target, $"{stem}-{i}.parquet"));
            File.Move(written[i], published[^1], overwrite: true);
        }
        return published;
    }

    /// <summary>A file name safe on every file system, readable, and unique per (type, model, dimension).</summary>
    public static string FileName(string conversionType, string model, string dimension)
    {
        ArgumentNullException.ThrowIfNull(conversionType);
        var safe = new StringBuilder();
        foreach (var c in conversionType)
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '_');
        // Two types that differ only in characters replaced above ('event:A b' vs 'event:A_b') must not share a file.
        var hash = Convert.ToHexStringLower(System.IO.Hashing.XxHash32.Hash(Encoding.UTF8.GetBytes(conversionType)));
        return $"credits-{safe}-{hash}-{model}-by-{dimension}.parquet";
    }
}
