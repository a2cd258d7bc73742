using System.Globalization;
using System.Text.Json;
using ClosedLoop.Lake.Journeys;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>What an erasure removed (counts only: the audit file must not keep the data it erased).</summary>
public sealed record ErasureSummary(string PersonId, int Identifiers, long EventsRemoved, long RejectsRemoved, long CrmRowsRemoved, int FilesRewritten);

/// <summary>
/// <c>closedloop forget --email E</c>: removes everything of the person linked to that email. That covers all
/// their cookies (only their segment of a shared cookie), user ids, emails and CRM rows, from the raw events,
/// rejects, contacts and deals. The derived tables are rebuilt without them, and older derived versions are
/// deleted at once instead of after the grace period. The erasure itself (time, person id, counts) is appended
/// to <c>lake/_audit/erasures.ndjson</c>.
/// </summary>
public sealed class Erasure(LakeLayout lake)
{
    public ErasureSummary Forget(string email, Action<StitchStep> log, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var held = RecomputeLock.Acquire(lake);
        string person;
        using (var db = LakeDatabase.Open(lake))
        {
            person = PersonJourneyQuery.FindPerson(db, email);
            db.Execute($"""
                CREATE TEMP TABLE forget AS
                SELECT identifier_type, identifier, valid_from, valid_to FROM identities WHERE person_id = {LakeDatabase.Literal(person)}
                """);
            var identifiers = Convert.ToInt32(db.ExecuteScalar("SELECT count(*) FROM forget"), CultureInfo.InvariantCulture);
            // An event is the person's when it carries one of their emails or user ids, or one of their cookies within their segment's time range.
            const string EventMatch = """
                email IN (SELECT identifier FROM forget WHERE identifier_type = 'email')
                OR user_id IN (SELECT identifier FROM forget WHERE identifier_type = 'user_id')
                OR previous_id IN (SELECT identifier FROM forget WHERE identifier_type IN ('user_id', 'anonymous_id'))
                OR EXISTS (SELECT 1 FROM forget f WHERE f.identifier_type = 'anonymous_id' AND f.identifier = anonymous_id
                           AND (f.valid_from IS NULL OR "timestamp" >= f.valid_from) AND (f.valid_to IS NULL OR "timestamp" < f.valid_to))
                """;
            const string RawMatch = "EXISTS (SELECT 1 FROM forget f WHERE f.identifier_type <> 'contact_id' AND contains(raw, f.identifier))";
            const string CrmMatch = """
                email IN (SELECT identifier FROM forget WHERE identifier_type = 'email')
                OR contact_id IN (SELECT identifier FROM forget WHERE identifier_type = 'contact_id')
                """;
            var (events, eventFiles) = Rewrite(db, lake.Events, EventMatch);
            var (rejects, rejectFiles) = Rewrite(db, lake.Rejects, RawMatch);
            var (contacts, contactFiles) = Rewrite(db, lake.Contacts, CrmMatch);
            var (deals, dealFiles) = Rewrite(db, lake.Deals, CrmMatch);
            log(new StitchStep($"erase raw rows ({events} events, {rejects} rejects, {contacts + deals} CRM rows)", TimeSpan.Zero));
            var summary = new ErasureSummary(person, identifiers, events, rejects, contacts + deals, eventFiles + rejectFiles + contactFiles + dealFiles);

            // Rebuild the derived tables without the person, then drop every older version: none may keep a copy.
            new Recompute(lake, new StitchOptions()) { Full = true }.RunLocked(log, ct);
            var current = File.ReadAllText(lake.DerivedPointer).Trim();
            foreach (var dir in Directory.EnumerateDirectories(lake.Derived).Where(d => Path.GetFileName(d) != current))
                Directory.Delete(dir, recursive: true);
            Audit(summary);
            return summary;
        }
    }

    /// <summary>Rewrites each Parquet file under <paramref name="directory"/> that holds matching rows, without them.</summary>
    private (long Rows, int Files) Rewrite(LakeDatabase db, string directory, string match)
    {
        if (!Directory.Exists(directory))
            return (0, 0);
        long rows = 0;
        var files = 0;
        foreach (var file in Directory.GetFiles(directory, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var source = $"read_parquet({LakeDatabase.Literal(file)}, hive_partitioning = false)";
            var hits = Convert.ToInt64(db.ExecuteScalar($"SELECT count(*) FROM {source} WHERE {match}"), CultureInfo.InvariantCulture);
            if (hits == 0)
                continue;
            Directory.CreateDirectory(lake.Staging);
            var staged = Path.Combine(lake.Staging, LakeLayout.NewFileName("erased"));
            db.CopyToParquet($"SELECT * FROM {source} WHERE NOT coalesce({match}, false)", staged);
            // Same name, so loads that remember files by name are not confused; the rename replaces the old file in one step.
            File.Move(staged, file, overwrite: true);
            rows += hits;
            files++;
        }
        return (rows, files);
    }

    private void Audit(ErasureSummary summary)
    {
        var dir = Path.Combine(lake.Root, "_audit");
        Directory.CreateDirectory(dir);
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["erased_at"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["person_id"] = summary.PersonId,
            ["identifiers"] = summary.Identifiers,
            ["events_removed"] = summary.EventsRemoved,
            ["rejects_removed"] = summary.RejectsRemoved,
            ["crm_rows_removed"] = summary.CrmRowsRemoved,
            ["files_rewritten"] = summary.FilesRewritten,
        });
        File.AppendAllText(Path.Combine(dir, "erasures.ndjson"), line + "\n");
    }
}
