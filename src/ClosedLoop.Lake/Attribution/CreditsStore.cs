using System.Text;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Attribution;

/// <summary>
/// <c>lake/derived/credits/</c>: one Parquet file per (conversion type, model, dimension), so any BI tool can
/// slice per-touch credits. A run replaces exactly the files of what it computed: written to staging, then moved
/// over the old file (an atomic rename), so readers see the old credits or the new ones.
/// </summary>
public static class CreditsStore
{
    public static string Directory(LakeLayout lake) => Path.Combine(lake.Derived, "credits");

    /// <summary>Writes the run's credits (temp table <c>run_credits</c>) model by model.</summary>
    public static void Replace(LakeDatabase db, LakeLayout lake, string conversionType, string dimension, IReadOnlyList<string> models)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(lake);
        var staging = Path.Combine(lake.Staging, "credits-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            var target = Directory(lake);
            System.IO.Directory.CreateDirectory(target);
            foreach (var model in models ?? [])
            {
                var name = FileName(conversionType, model, dimension);
                var staged = Path.Combine(staging, name);
                db.CopyToParquet($"""
                    SELECT conversion_id, {LakeDatabase.Literal(conversionType)} AS conversion_type, model, '{dimension}' AS dimension,
                           dimension_value, person_id, touchpoint_id, touch_timestamp, converted_at, channel, source, medium, campaign,
                           content, term, landing_page, credit, revenue
                    FROM run_credits WHERE model = '{model}'
                    """, staged);
                File.Move(staged, Path.Combine(target, name), overwrite: true);
            }
        }
        finally
        {
            try
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
                // Staging is never read.
            }
        }
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
