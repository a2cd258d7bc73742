using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>
/// What a published derived version was computed from, kept in its <c>_state/manifest.json</c>: the event files of
/// each day partition (name and size), the CRM files, the stitch options, and the credits files the recompute
/// wrote (kept in <c>_state/credits/</c>). The next recompute compares the lake with it to find what is new; anything it cannot explain (a file gone,
/// options changed) makes that run a full one.
/// </summary>
public sealed class InputManifest
{
    /// <summary>
    /// Bumped when the state layout changes; another format means a full run (2: a credit column per model; 4: the
    /// solvers' path counts kept in the state; 5: conversions kept as base + delta too).
    /// </summary>
    public const int CurrentFormat = 5;

    public int Format { get; set; } = CurrentFormat;

    /// <summary>The stitch and attribution settings the version was built with.</summary>
    public string Options { get; set; } = "";

    /// <summary>Per partition directory name (<c>event_date=...</c>), its files as <c>NAME:SIZE</c>.</summary>
    public SortedDictionary<string, List<string>> Events { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Contacts and deals files, as <c>KIND/NAME:SIZE</c>.</summary>
    public List<string> Crm { get; set; } = [];

    /// <summary>
    /// The credits files the recompute wrote (<c>NAME:SIZE</c>), kept in <c>_state/credits/</c> as links; empty when it
    /// credited nothing.
    /// </summary>
    public List<string> Credits { get; set; } = [];

    /// <summary>
    /// The figures of the version's person-table base files (its plain tables, or the base under a delta), which an
    /// incremental run carries forward instead of counting every row; null in manifests of older releases.
    /// </summary>
    public TableFigures? BaseFigures { get; set; }

    /// <summary>The state directory of a version: manifest, CRM snapshots and path aggregates; not a lake table.</summary>
    public static string StateDirectory(string versionDirectory) => Path.Combine(versionDirectory, "_state");

    public static InputManifest? Load(string versionDirectory)
    {
        var path = Path.Combine(StateDirectory(versionDirectory), "manifest.json");
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), InputManifestJson.Default.InputManifest);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string versionDirectory)
    {
        var dir = StateDirectory(versionDirectory);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), JsonSerializer.Serialize(this, InputManifestJson.Default.InputManifest));
    }

    /// <summary>The settings that change derived rows; a version built with others cannot be extended.</summary>
    public static string Describe(StitchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(CultureInfo.InvariantCulture,
            $"timeout={options.SessionTimeout.TotalSeconds};max_emails={options.MaxEmailsPerCookie};midnight={options.SplitAtMidnight};zone={options.TimeZone};models=all;by=channel;lookback=90d");
    }

    /// <summary>A file as the manifest names it.</summary>
    public static string Entry(string path) => string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}:{new FileInfo(path).Length}");

    /// <summary>The event files now in the lake, by partition directory name (full paths).</summary>
    public static SortedDictionary<string, List<string>> ListEvents(LakeLayout lake)
    {
        ArgumentNullException.ThrowIfNull(lake);
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        if (!Directory.Exists(lake.Events))
            return result;
        foreach (var partition in Directory.EnumerateDirectories(lake.Events, "event_date=*"))
            result[Path.GetFileName(partition)] = [.. Directory.GetFiles(partition, "*.parquet").Order(StringComparer.Ordinal)];
        return result;
    }

    /// <summary>The contacts and deals files now in the lake.</summary>
    public static List<string> ListCrm(LakeLayout lake)
    {
        ArgumentNullException.ThrowIfNull(lake);
        var entries = new List<string>();
        foreach (var (kind, dir) in new[] { ("contacts", lake.Contacts), ("deals", lake.Deals) })
        {
            if (Directory.Exists(dir))
                entries.AddRange(Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories).Select(f => kind + "/" + Entry(f)));
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>The credits files under <paramref name="directory"/> (a version or its state directory).</summary>
    public static List<string> ListCredits(string directory)
    {
        var dir = Path.Combine(directory, "credits");
        // A recompute's credits are base files, a delta in _delta/ and the data-driven weights (CreditsStore).
        return Directory.Exists(dir)
            ? [.. Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(dir, Path.GetDirectoryName(f)!) is "." ? Entry(f) : Path.GetFileName(Path.GetDirectoryName(f)) + "/" + Entry(f))
                .Order(StringComparer.Ordinal)]
            : [];
    }
}

/// <summary>
/// The manifest's serializer, generated at build time: every recompute reads one first thing, and the reflection-based
/// serializer's warm-up was a tenth of a second of a run.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(InputManifest))]
internal sealed partial class InputManifestJson : JsonSerializerContext;
