namespace ClosedLoop.Lake;

/// <summary>
/// Where each table lives in the lake (SPEC section 3). Everything is plain Parquet in Hive layout,
/// so DuckDB, Spark, Trino or pandas can read it without ClosedLoop.
/// </summary>
public sealed class LakeLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Events => Path.Combine(Root, "events");
    public string Rejects => Path.Combine(Root, "rejects");
    public string Contacts => Path.Combine(Root, "crm", "contacts");
    public string Deals => Path.Combine(Root, "crm", "deals");
    public string Spend => Path.Combine(Root, "spend");
    public string Derived => Path.Combine(Root, "derived");

    /// <summary>The file naming the published version of the derived tables (<c>derived/CURRENT</c>).</summary>
    public string DerivedPointer => Path.Combine(Derived, "CURRENT");

    private string? _derivedVersion;

    /// <summary>
    /// Where readers find the derived tables: the version <c>derived/CURRENT</c> names, else <c>derived/</c>
    /// itself (a lake from before versions, or one never stitched).
    /// </summary>
    public string CurrentDerived
    {
        get
        {
            if (_derivedVersion is not null)
                return _derivedVersion;
            var pointer = File.Exists(DerivedPointer) ? File.ReadAllText(DerivedPointer).Trim() : "";
            return pointer.Length > 0 ? Path.Combine(Derived, pointer) : Derived;
        }
    }

    /// <summary>This lake with its derived tables read from an unpublished version (a recompute builds on it before switching).</summary>
    public LakeLayout WithDerivedVersion(string directory) => new(Root) { _derivedVersion = Path.GetFullPath(directory) };

    /// <summary>Scratch space for files being written; they are moved into place only when complete.</summary>
    public string Staging => Path.Combine(Root, "_staging");

    public string EventPartition(DateOnly date) => Path.Combine(Events, $"event_date={date:yyyy-MM-dd}");

    public string RejectPartition(string kind) => Path.Combine(Rejects, $"kind={kind}");

    /// <summary>A new, unique Parquet file name: sortable by time, never reused.</summary>
    public static string NewFileName(string prefix = "part") =>
        $"{prefix}-{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.parquet";
}
