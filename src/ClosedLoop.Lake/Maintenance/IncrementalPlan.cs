using System.Globalization;
using ClosedLoop.Core;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>
/// What a recompute found new since the published version, and the identifiers it touched (written to
/// <see cref="TouchedFile"/> as <c>(kind, value)</c> rows, kind <c>anonymous_id</c>, <c>user_id</c> or <c>email</c>).
/// Built before compaction, while the new files are still apart from the ones the version already read.
/// </summary>
internal sealed class IncrementalPlan
{
    private IncrementalPlan(string previousVersion, string workDirectory)
    {
        PreviousVersion = previousVersion;
        WorkDirectory = workDirectory;
    }

    /// <summary>The published version's directory, whose tables and state the run extends.</summary>
    public string PreviousVersion { get; }

    public string WorkDirectory { get; }

    public string TouchedFile => Path.Combine(WorkDirectory, "touched.parquet");

    public int NewFiles { get; private set; }

    public int TouchedPartitions { get; private set; }

    public long ChangedCrmRows { get; private set; }

    public long TouchedIdentifiers { get; private set; }

    /// <summary>The previous version's base figures, from its manifest (<see cref="InputManifest.BaseFigures"/>).</summary>
    public Derived.TableFigures? BaseFigures { get; private set; }

    /// <summary>Whether anything arrived since the published version.</summary>
    public bool HasChanges => NewFiles > 0 || ChangedCrmRows > 0;

    /// <summary>
    /// The plan for an incremental run, or null with the reason a full one is needed. <paramref name="events"/> and
    /// <paramref name="crm"/> are the lake's files as listed at the start of the run; <paramref name="snapshots"/> holds
    /// this run's contacts and deals snapshots (<see cref="WriteCrmSnapshots"/>).
    /// </summary>
    public static IncrementalPlan? Prepare(LakeLayout lake, StitchOptions options, SortedDictionary<string, List<string>> events,
        List<string> crm, string snapshots, string workDirectory, out string reason)
    {
        if (!File.Exists(lake.DerivedPointer))
        {
            reason = "no published version yet";
            return null;
        }
        var previous = lake.CurrentDerived;
        var manifest = InputManifest.Load(previous);
        var state = InputManifest.StateDirectory(previous);
        if (manifest is null || manifest.Format != InputManifest.CurrentFormat)
            reason = "the published version has no input manifest (built by an older release or by 'stitch')";
        else if (manifest.Options != InputManifest.Describe(options))
            reason = "stitch or attribution settings changed";
        else if (manifest.Credits.Count == 0)
            reason = "the published version has no credits (no conversions)";
        else if (!manifest.Credits.SequenceEqual(InputManifest.ListCredits(state)))
            reason = "the published version's saved credits are incomplete";
        else if (!new[] { "contacts.parquet", "deals.parquet", "person_paths.parquet", "conversion_paths.parquet", "path_persons.parquet", "path_adjustments.parquet" }.All(f => File.Exists(Path.Combine(state, f))))
            reason = "the published version's state files are incomplete";
        else
            reason = "";
        if (reason.Length > 0)
            return null;

        var plan = new IncrementalPlan(previous, workDirectory) { BaseFigures = manifest!.BaseFigures };
        var newFiles = new List<string>();
        var oldFilesOfTouched = new List<string>();
        foreach (var (partition, seen) in manifest!.Events)
        {
            var now = events.TryGetValue(partition, out var files) ? files : [];
            var entries = now.Select(InputManifest.Entry).ToHashSet(StringComparer.Ordinal);
            if (!seen.All(entries.Contains))
            {
                reason = $"event files of {partition} changed outside recompute (erasure, retention or an interrupted run)";
                return null;
            }
        }
        foreach (var (partition, files) in events)
        {
            var seen = manifest.Events.TryGetValue(partition, out var s) ? s.ToHashSet(StringComparer.Ordinal) : [];
            var added = files.Where(f => !seen.Contains(InputManifest.Entry(f))).ToList();
            if (added.Count == 0)
                continue;
            plan.TouchedPartitions++;
            newFiles.AddRange(added);
            oldFilesOfTouched.AddRange(files.Except(added));
        }
        plan.NewFiles = newFiles.Count;

        Directory.CreateDirectory(workDirectory);
        using var db = LakeDatabase.OpenWithoutViews(lake);
        db.Execute("CREATE TEMP TABLE touched (kind VARCHAR, value VARCHAR)");
        if (newFiles.Count > 0)
        {
            // The event ids only matter against older files of the same partitions (a new day has none): they are the
            // widest column of the new files.
            var columns = (oldFilesOfTouched.Count > 0 ? "event_id, " : "") + "type, anonymous_id, user_id, email, previous_id";
            db.Execute($"CREATE TEMP TABLE new_rows AS SELECT {columns} FROM read_parquet({List(newFiles)}, union_by_name = true, hive_partitioning = false)");
            // Compaction keeps one row per event_id and day; a new file's duplicate may replace an old row, so both count.
            if (oldFilesOfTouched.Count > 0)
            {
                db.Execute($"""
                    INSERT INTO new_rows SELECT {columns} FROM read_parquet({List(oldFilesOfTouched)}, union_by_name = true, hive_partitioning = false)
                    WHERE event_id IN (SELECT event_id FROM new_rows)
                    """);
            }
            db.Execute("""
                INSERT INTO touched
                SELECT 'anonymous_id', anonymous_id FROM new_rows WHERE anonymous_id IS NOT NULL
                UNION ALL SELECT 'user_id', user_id FROM new_rows WHERE user_id IS NOT NULL
                UNION ALL SELECT 'email', email FROM new_rows WHERE email IS NOT NULL
                UNION ALL SELECT 'anonymous_id', previous_id FROM new_rows WHERE type = 'alias' AND previous_id IS NOT NULL
                UNION ALL SELECT 'user_id', previous_id FROM new_rows WHERE type = 'alias' AND previous_id IS NOT NULL
                """);
        }
        if (!crm.SequenceEqual(manifest.Crm))
        {
            try
            {
                plan.ChangedCrmRows = TouchCrmChanges(db, state, snapshots);
            }
            catch (UserInputException ex)
            {
                // A column added to an export cannot be compared row by row with the old snapshot.
                reason = "CRM files changed in a way that cannot be compared with the published snapshot: " + ex.Message;
                return null;
            }
        }
        db.CopyToParquet("SELECT DISTINCT kind, value FROM touched", plan.TouchedFile);
        plan.TouchedIdentifiers = Count(db, "SELECT count(DISTINCT (kind, value)) FROM touched");
        return plan;
    }

    /// <summary>
    /// Contacts and deals rows that differ from the published snapshot (added, changed, or gone), and their emails
    /// (a deal's own and its contact's, before and after) as touched identifiers. Returns the number of contacts and
    /// deals that changed.
    /// </summary>
    private static long TouchCrmChanges(LakeDatabase db, string previousState, string snapshots)
    {
        string Snapshot(string dir, string name) => $"read_parquet({LakeDatabase.Literal(Path.Combine(dir, name))})";
        db.Execute($"""
            CREATE TEMP TABLE changed_contacts AS
            (SELECT * FROM {Snapshot(snapshots, "contacts.parquet")} EXCEPT SELECT * FROM {Snapshot(previousState, "contacts.parquet")})
            UNION ALL
            (SELECT * FROM {Snapshot(previousState, "contacts.parquet")} EXCEPT SELECT * FROM {Snapshot(snapshots, "contacts.parquet")})
            """);
        db.Execute($"""
            CREATE TEMP TABLE changed_deals AS
            (SELECT * FROM {Snapshot(snapshots, "deals.parquet")} EXCEPT SELECT * FROM {Snapshot(previousState, "deals.parquet")})
            UNION ALL
            (SELECT * FROM {Snapshot(previousState, "deals.parquet")} EXCEPT SELECT * FROM {Snapshot(snapshots, "deals.parquet")})
            """);
        db.Execute($"""
            INSERT INTO touched
            SELECT 'email', email FROM changed_contacts WHERE email IS NOT NULL
            UNION ALL SELECT 'email', email FROM changed_deals WHERE email IS NOT NULL
            UNION ALL SELECT 'email', c.email FROM changed_deals d JOIN {Snapshot(snapshots, "contacts.parquet")} c ON c.contact_id = d.contact_id WHERE c.email IS NOT NULL
            UNION ALL SELECT 'email', c.email FROM changed_deals d JOIN {Snapshot(previousState, "contacts.parquet")} c ON c.contact_id = d.contact_id WHERE c.email IS NOT NULL
            """);
        // A changed row is in both sides of the difference; count it once, by its key.
        return Count(db, """
            SELECT (SELECT count(DISTINCT coalesce(contact_id, 'email:' || email)) FROM changed_contacts)
                 + (SELECT count(DISTINCT deal_id) FROM changed_deals)
            """);
    }

    /// <summary>
    /// When the CRM files are those the published version read, links its snapshots into <paramref name="directory"/>
    /// instead of writing them again (they would be the same rows); false when they differ or cannot be used.
    /// </summary>
    public static bool TryLinkCrmSnapshots(LakeLayout lake, List<string> crm, string directory)
    {
        ArgumentNullException.ThrowIfNull(lake);
        if (!File.Exists(lake.DerivedPointer))
            return false;
        var previous = lake.CurrentDerived;
        var manifest = InputManifest.Load(previous);
        var state = InputManifest.StateDirectory(previous);
        string[] files = ["contacts.parquet", "deals.parquet"];
        if (manifest is null || manifest.Format != InputManifest.CurrentFormat || !manifest.Crm.SequenceEqual(crm)
            || !files.All(f => File.Exists(Path.Combine(state, f))))
        {
            return false;
        }
        Directory.CreateDirectory(directory);
        foreach (var file in files)
            HardLinks.LinkOrCopy(Path.Combine(state, file), Path.Combine(directory, file));
        return true;
    }

    /// <summary>
    /// Writes the contacts and deals as the run sees them (latest export wins, load bookkeeping left out) into
    /// <paramref name="directory"/>: the next run's reference for what changed in the CRM.
    /// </summary>
    public static void WriteCrmSnapshots(LakeLayout lake, string directory)
    {
        Directory.CreateDirectory(directory);
        using var db = LakeDatabase.Open(lake);
        foreach (var table in new[] { "contacts", "deals" })
        {
            db.CopyToParquet($"SELECT * EXCLUDE (source_file, source_line, loaded_at) FROM {table} ORDER BY ALL",
                Path.Combine(directory, table + ".parquet"));
        }
    }

    private static string List(IEnumerable<string> files) => "[" + string.Join(", ", files.Select(LakeDatabase.Literal)) + "]";

    private static long Count(LakeDatabase db, string sql) => Convert.ToInt64(db.ExecuteScalar(sql), CultureInfo.InvariantCulture);
}
