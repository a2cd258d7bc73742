using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Derived;

/// <summary>
/// Builds a set of derived tables (<c>lake/derived/NAME/</c>) in staging and publishes them together: each
/// table's directory is swapped in by a rename, so a reader sees a whole old table or a whole new one, never a
/// half-written file. Nothing is published if the run fails or is disposed before <see cref="Publish"/>.
/// </summary>
public sealed class DerivedTableWriter : IDisposable
{
    private readonly LakeLayout _lake;
    private readonly string _stagingRoot;
    private readonly List<string> _tables = [];
    private bool _published;

    public DerivedTableWriter(LakeLayout lake)
    {
        _lake = lake;
        _stagingRoot = Path.Combine(lake.Staging, "derived-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_stagingRoot);
    }

    /// <summary>Writes a query's result as the new version of table <paramref name="name"/> (DuckDB's Parquet writer).</summary>
    public void Write(LakeDatabase db, string name, string sql)
    {
        ArgumentNullException.ThrowIfNull(db);
        var dir = Path.Combine(_stagingRoot, name);
        Directory.CreateDirectory(dir);
        db.CopyToParquet(sql, Path.Combine(dir, LakeLayout.NewFileName(name)));
        _tables.Add(name);
    }

    /// <summary>A glob over a table written in this run but not yet published, for queries that build on it.</summary>
    public string StagedGlob(string name) => Path.Combine(_stagingRoot, name, "*.parquet");

    /// <summary>Moves every written table into <c>lake/derived/</c>, replacing the previous version.</summary>
    public void Publish()
    {
        Directory.CreateDirectory(_lake.Derived);
        var retired = Path.Combine(_stagingRoot, "_retired");
        Directory.CreateDirectory(retired);
        foreach (var name in _tables)
        {
            var target = Path.Combine(_lake.Derived, name);
            if (Directory.Exists(target))
                Directory.Move(target, Path.Combine(retired, name));
            Directory.Move(Path.Combine(_stagingRoot, name), target);
        }
        _published = true;
        TryDelete(_stagingRoot);
    }

    public void Dispose()
    {
        if (!_published)
            TryDelete(_stagingRoot);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Staging is never read; a later run's maintenance clears it.
        }
    }
}
