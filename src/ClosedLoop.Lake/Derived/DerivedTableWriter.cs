using ClosedLoop.Lake.Maintenance;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Derived;

/// <summary>
/// Builds a new version of the derived tables (<c>lake/derived/v-TIME-ID/NAME/</c>) and publishes it in one step:
/// <c>derived/CURRENT</c> is replaced by a rename to name the new version, so a reader sees the whole old version
/// or the whole new one, never a mix. Nothing is published if the run fails or is disposed before
/// <see cref="Publish"/>; a killed run leaves an unnamed version directory that the next publish removes.
/// Older versions are kept for a grace period, for readers that started before the switch.
/// </summary>
public sealed class DerivedTableWriter : IDisposable
{
    /// <summary>How long a replaced version stays on disk for readers that opened it before the switch.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(10);

    private readonly LakeLayout _lake;
    private bool _published;

    public DerivedTableWriter(LakeLayout lake)
    {
        _lake = lake;
        Version = $"v-{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}";
        VersionDirectory = Path.Combine(lake.Derived, Version);
        Directory.CreateDirectory(VersionDirectory);
    }

    /// <summary>The new version's name, as <c>derived/CURRENT</c> will hold it.</summary>
    public string Version { get; }

    public string VersionDirectory { get; }

    /// <summary>The lake as it will look once published: queries through it read the new version's tables.</summary>
    public LakeLayout Layout => _lake.WithDerivedVersion(VersionDirectory);

    /// <summary>Writes a query's result as table <paramref name="name"/> of the new version (DuckDB's Parquet writer).</summary>
    public void Write(LakeDatabase db, string name, string sql)
    {
        ArgumentNullException.ThrowIfNull(db);
        var dir = Path.Combine(VersionDirectory, name);
        Directory.CreateDirectory(dir);
        db.CopyToParquet(sql, Path.Combine(dir, LakeLayout.NewFileName(name)));
    }

    /// <summary>The rows of a table written in this run but not yet published, for queries that build on it.</summary>
    public string TableSql(string name) => PersonDelta.TableSql(VersionDirectory, name);

    /// <summary>Gives table <paramref name="name"/> of the new version the base files of <paramref name="version"/> (hard links, no copy).</summary>
    internal void LinkBase(string version, string name)
    {
        var dir = Path.Combine(VersionDirectory, name);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(Path.Combine(version, name), "*.parquet", SearchOption.AllDirectories))
            HardLinks.LinkOrCopy(file, Path.Combine(dir, Path.GetFileName(file)));
    }

    /// <summary>Writes a query's result as the delta of person table <paramref name="name"/>, or with null the replaced persons (<see cref="PersonDelta"/>).</summary>
    internal void WriteDelta(LakeDatabase db, string? name, string sql)
    {
        ArgumentNullException.ThrowIfNull(db);
        Directory.CreateDirectory(PersonDelta.Directory(VersionDirectory));
        db.CopyToParquet(sql, name is null ? PersonDelta.ReplacedFile(VersionDirectory) : PersonDelta.DeltaFile(VersionDirectory, name), PersonDelta.DeltaRowGroupSize);
    }

    /// <summary>Switches readers to the new version, then removes versions past the grace period.</summary>
    public void Publish()
    {
        var pointer = _lake.DerivedPointer;
        var previous = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : null;
        var temp = pointer + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, Version + "\n");
        File.Move(temp, pointer, overwrite: true);
        _published = true;
        RemoveOldVersions(previous);
    }

    public void Dispose()
    {
        if (!_published)
            ScratchDirectory.TryDelete(VersionDirectory);
    }

    /// <summary>Keeps the new version and the one it replaced (readers may still be in it); older ones go after the grace period.</summary>
    private void RemoveOldVersions(string? previous)
    {
        foreach (var dir in Directory.EnumerateDirectories(_lake.Derived))
        {
            var name = Path.GetFileName(dir);
            if (name == Version || name == previous)
                continue;
            // Tables from before versions lived right under derived/; versions replace them.
            var legacy = !name.StartsWith("v-", StringComparison.Ordinal);
            if (legacy || DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) > GracePeriod)
                ScratchDirectory.TryDelete(dir);
        }
    }
}
