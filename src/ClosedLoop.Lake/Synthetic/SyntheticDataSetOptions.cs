namespace ClosedLoop.Lake.Synthetic;

/// <summary>What <see cref="SyntheticDataSet"/> writes, and where.</summary>
public sealed class SyntheticDataSetOptions
{
    /// <summary>The directory to write into; created if missing, existing files of the same names are replaced.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// The exact number of lines in events.ndjson. Every line counts once: a single event, a
    /// <c>{"batch":[...]}</c> line of 2-3 events, a duplicate line, or a malformed line.
    /// </summary>
    public long Events { get; init; } = 100_000;

    /// <summary>Days of traffic, ending at the seed's window end (<see cref="SyntheticDataSet.WindowEndFor"/>).</summary>
    public int Days { get; init; } = SyntheticDataSet.WindowDays;

    /// <summary>The same seed always gives byte-identical files.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Called with the lines written so far, every <see cref="ProgressInterval"/> lines.</summary>
    public Action<long>? Progress { get; init; }

    public long ProgressInterval { get; init; } = 1_000_000;
}

/// <summary>One file written by the generator and its data rows (lines for NDJSON).</summary>
public sealed record SyntheticFile(string Path, long Rows);

/// <summary>The counts of a generated data set, as also written to truth/summary.json.</summary>
public sealed class SyntheticDataSetSummary
{
    public required IReadOnlyList<SyntheticFile> Files { get; init; }
    public long Persons { get; init; }
    public long Cookies { get; init; }
    public long IdentifiedPersons { get; init; }
    public long Lines { get; init; }
    public long Events { get; init; }
    public long SegmentEvents { get; init; }
    public long BatchLines { get; init; }
    public long DuplicateLines { get; init; }
    public long MalformedLines { get; init; }
    public long Leads { get; init; }
    public long Customers { get; init; }
    public long SharedDevices { get; init; }
    public decimal WonRevenue { get; init; }
    public DateTime WindowStart { get; init; }
    public DateTime WindowEnd { get; init; }
}
