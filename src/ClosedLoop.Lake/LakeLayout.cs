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

    /// <summary>Scratch space for files being written; they are moved into place only when complete.</summary>
    public string Staging => Path.Combine(Root, "_staging");

    public string EventPartition(DateOnly date) => Path.Combine(Events, $"event_date={date:yyyy-MM-dd}");

    public string RejectPartition(string kind) => Path.Combine(Rejects, $"kind={kind}");

    /// <summary>A new, unique Parquet file name: sortable by time, never reused.</summary>
    public static string NewFileName(string prefix = "part") =>
        $"{prefix}-{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.parquet";
}
