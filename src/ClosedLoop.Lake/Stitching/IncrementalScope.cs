using System.Globalization;
using ClosedLoop.Lake.Derived;
using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Stitching;

/// <summary>What an incremental stitch recomputed: persons of the previous version replaced, persons written anew.</summary>
public sealed record ScopeSummary(long Identifiers, long Events, long PreviousPersons, long RecomputedPersons);

/// <summary>
/// Restricts a stitch to the persons that new data touched, and merges its result with the previous version's rows
/// of everyone else (docs/operations.md, "Incremental runs").
/// </summary>
/// <remarks>
/// The touched identifiers are closed over two relations until nothing is added: the previous version's persons (an
/// identifier brings every identifier of each person that held it, so a person a new email splits is rebuilt whole)
/// and co-occurrence on one event (an event of the scope brings all its identifiers; this is what reaches the emails
/// on a cookie over the email limit, which links nobody). The stitch then runs unchanged over exactly the events that
/// carry a scope identifier. Every rule it applies (cookie segments, emails per cookie, union-find, the canonical node
/// and so the person id, sessions per device, conversions per person) only looks at events of the same closed set, so
/// its rows for these persons equal a full run's, and everyone else's rows are the previous version's unchanged.
/// Contacts with an email outside the scope, and their deals, are left out: their persons are not recomputed (a person
/// holding a scope identifier brings all its identifiers, that email too). Contacts without an email have no person and
/// are credited anew by every run.
/// </remarks>
public sealed class IncrementalScope(string previousVersion, string touchedFile, string workDirectory)
{
    /// <summary>Delta rows as a share of base rows above which the person tables are written whole (<see cref="PersonDelta"/>).</summary>
    public double FoldShare { get; init; } = PersonDelta.DefaultFoldShare;

    /// <summary>The figures of the previous version's base files, from its manifest; null counts them (an older manifest).</summary>
    public TableFigures? PreviousBaseFigures { get; init; }

    /// <summary>The figures of the new version's base files, for its manifest (set by <see cref="Figures"/>).</summary>
    public TableFigures? BaseFigures { get; private set; }

    /// <summary>Whether this run wrote the person tables whole (null until the first is written).</summary>
    public bool? Folded { get; private set; }

    private const string ScopeKinds = "('anonymous_id', 'user_id', 'email')";

    /// <summary>Previous persons replaced (<c>person_id</c>), written for the attribution step.</summary>
    public string PreviousPersonsFile => Path.Combine(workDirectory, "previous_persons.parquet");

    /// <summary>Persons written by this run (<c>person_id</c>), written for the attribution step.</summary>
    public string RecomputedPersonsFile => Path.Combine(workDirectory, "recomputed_persons.parquet");

    public ScopeSummary? Summary { get; private set; }

    private long _identifiers, _events, _previousPersons;

    private string Previous(string table) => $"({PersonDelta.TableSql(previousVersion, table)})";

    /// <summary>Closes the touched identifiers and replaces the <c>events</c> view with their events.</summary>
    internal void Restrict(LakeDatabase db)
    {
        db.Execute("ALTER VIEW events RENAME TO lake_events");
        db.Execute($"CREATE TEMP TABLE scope_ids AS SELECT DISTINCT kind, value FROM read_parquet({LakeDatabase.Literal(touchedFile)}) WHERE value IS NOT NULL");
        db.Execute($"""
            CREATE TEMP TABLE previous_ids AS
            SELECT person_id, identifier_type AS kind, identifier AS value, linked FROM {Previous("identities")}
            WHERE identifier_type IN {ScopeKinds}
            """);
        // Cookies over the email limit are nobody's identifier, yet their events carry many persons' emails (most lakes have
        // none, and then the scan is skipped).
        db.Execute("CREATE TEMP TABLE unlinkable_links (anonymous_id VARCHAR, email VARCHAR, user_id VARCHAR)");
        if (Count(db, "SELECT count(*) FROM previous_ids WHERE kind = 'anonymous_id' AND NOT linked") > 0)
        {
            db.Execute("""
                INSERT INTO unlinkable_links
                SELECT DISTINCT anonymous_id, email, user_id FROM lake_events
                WHERE anonymous_id IN (SELECT value FROM previous_ids WHERE kind = 'anonymous_id' AND NOT linked)
                  AND (email IS NOT NULL OR user_id IS NOT NULL)
                """);
        }
        // Semi-naive: each round looks up only the identifiers the last one added (scope_new), and the persons already
        // brought in are kept (previous_persons), so a round probes the previous identities with a few rows, not the scope.
        db.Execute("CREATE TEMP TABLE scope_new AS SELECT kind, value FROM scope_ids");
        db.Execute("CREATE TEMP TABLE previous_persons (person_id VARCHAR)");
        while (true)
        {
            while (true)
            {
                db.Execute("""
                    CREATE OR REPLACE TEMP TABLE new_persons AS
                    SELECT DISTINCT person_id FROM previous_ids SEMI JOIN scope_new USING (kind, value)
                    EXCEPT SELECT person_id FROM previous_persons
                    """);
                db.Execute("INSERT INTO previous_persons SELECT person_id FROM new_persons");
                if (!Grow(db, $"""
                    SELECT p.kind, p.value FROM previous_ids p SEMI JOIN new_persons x ON x.person_id = p.person_id
                    UNION ALL SELECT 'email', email FROM unlinkable_links WHERE email IS NOT NULL AND {InScope("anonymous_id", "anonymous_id")}
                    UNION ALL SELECT 'user_id', user_id FROM unlinkable_links WHERE user_id IS NOT NULL AND {InScope("anonymous_id", "anonymous_id")}
                    UNION ALL SELECT 'anonymous_id', anonymous_id FROM unlinkable_links WHERE {InScope("email", "email")} OR {InScope("user_id", "user_id")}
                    """))
                {
                    break;
                }
            }
            // The stitch reads a few columns of each event; the wide ones (properties, user agent, URLs) stay on disk.
            db.Execute($"""
                CREATE OR REPLACE TEMP TABLE scoped_events AS
                SELECT * EXCLUDE (properties, user_agent, ip, url, referrer, warnings, received_at, click_id_type, page_host, timestamp_clamped)
                FROM lake_events
                WHERE {InScope("anonymous_id", "anonymous_id")} OR {InScope("user_id", "user_id")} OR {InScope("email", "email")}
                   OR (type = 'alias' AND ({InScope("anonymous_id", "previous_id")} OR {InScope("user_id", "previous_id")}))
                """);
            // Every identifier on a scoped event must be in the scope, or the restricted graph would miss a link. An alias's
            // previous id names a cookie when the lake has events of that cookie, else a user id (as the stitch decides).
            if (!Grow(db, """
                SELECT 'anonymous_id', anonymous_id FROM scoped_events WHERE anonymous_id IS NOT NULL
                UNION ALL SELECT 'user_id', user_id FROM scoped_events WHERE user_id IS NOT NULL
                UNION ALL SELECT 'email', email FROM scoped_events WHERE email IS NOT NULL
                UNION ALL SELECT 'anonymous_id', previous_id FROM scoped_events WHERE type = 'alias' AND previous_id IS NOT NULL
                UNION ALL SELECT 'user_id', previous_id FROM scoped_events WHERE type = 'alias' AND previous_id IS NOT NULL
                    AND previous_id NOT IN (SELECT anonymous_id FROM scoped_events WHERE anonymous_id IS NOT NULL)
                """))
            {
                break;
            }
        }
        // The delta keys this run replaces (PersonDelta.KeySql): its previous persons, and for conversions without a person,
        // every scope email and the conversions without an email (the rows Merge takes from this run, not the previous version).
        db.Execute("""
            CREATE TEMP TABLE replaced_keys AS
            SELECT person_id FROM previous_persons
            UNION ALL SELECT 'email:' || value FROM scope_ids WHERE kind = 'email'
            UNION ALL SELECT ''
            """);
        db.Execute("CREATE VIEW events AS SELECT * FROM scoped_events");
        // Contacts with an email outside the scope belong to persons this run keeps, and so do the deals of those contacts:
        // both stay out of the restricted stitch (at 10M events they were most of its graph and conversions). Contacts
        // without an email have no person and are credited anew by every run.
        const string OutsideContacts = """
            SELECT contact_id FROM lake_contacts
            WHERE contact_id IS NOT NULL AND email IS NOT NULL AND email NOT IN (SELECT value FROM scope_ids WHERE kind = 'email')
            """;
        db.Execute("ALTER VIEW contacts RENAME TO lake_contacts");
        db.Execute("ALTER VIEW deals RENAME TO lake_deals");
        db.Execute("""
            CREATE TEMP TABLE scoped_contacts AS
            SELECT * FROM lake_contacts WHERE email IS NULL OR email IN (SELECT value FROM scope_ids WHERE kind = 'email')
            """);
        db.Execute("CREATE VIEW contacts AS SELECT * FROM scoped_contacts");
        db.Execute($"CREATE VIEW deals AS SELECT * FROM lake_deals WHERE contact_id IS NULL OR contact_id NOT IN ({OutsideContacts})");
        _identifiers = Count(db, "SELECT count(*) FROM scope_ids");
        _events = Count(db, "SELECT count(*) FROM scoped_events");
        _previousPersons = Count(db, "SELECT count(*) FROM previous_persons");
    }

    private static string InScope(string kind, string column) => $"{column} IN (SELECT value FROM scope_ids WHERE kind = '{kind}')";

    /// <summary>
    /// Adds the rows of <paramref name="sql"/> (kind, value) not yet in the scope, which become <c>scope_new</c>; true
    /// when any were new.
    /// </summary>
    private static bool Grow(LakeDatabase db, string sql)
    {
        db.Execute($"CREATE OR REPLACE TEMP TABLE scope_new AS SELECT DISTINCT kind, value FROM ({sql}) n(kind, value) WHERE value IS NOT NULL EXCEPT SELECT kind, value FROM scope_ids");
        db.Execute("INSERT INTO scope_ids SELECT kind, value FROM scope_new");
        return Count(db, "SELECT count(*) FROM scope_new") > 0;
    }

    /// <summary>
    /// Writes table <paramref name="table"/> of the new version from this run's rows <paramref name="sql"/>. A person
    /// table keeps the previous base files and gets a new delta: this run's rows plus the previous delta's rows of keys
    /// not replaced now, with this run's replaced keys added to the earlier ones (<see cref="PersonDelta"/>). Once that
    /// delta passes <see cref="FoldShare"/> of the base rows, the tables are written whole instead (<see cref="Merge"/>);
    /// the first person table written decides for all of them.
    /// </summary>
    internal void Write(LakeDatabase db, DerivedTableWriter output, string table, string sql)
    {
        var delta = table == "conversions" ? $"SELECT n.* FROM ({sql}) n WHERE n.person_id IS NOT NULL OR {Unowned("n")}" : sql;
        if (PersonDelta.Has(previousVersion))
            delta += "\nUNION ALL BY NAME\n" + PersonDelta.CarriedSql(PersonDelta.DeltaFile(previousVersion, table), "replaced_keys", PersonDelta.KeySql(table, "o"));
        if (Folded is null)
        {
            // Counted, not materialized: the delta is written straight from the query (copying it first took 0.2 s at 10M events).
            var rows = Count(db, $"SELECT count(*) FROM ({delta})");
            var baseRows = Count(db, $"SELECT count(*) FROM ({PersonDelta.BaseSql(previousVersion, table)})");
            Folded = PersonDelta.Folds(rows, baseRows, FoldShare);
        }
        if (Folded == true)
        {
            output.Write(db, table, Merge(table, sql));
            return;
        }
        output.LinkBase(previousVersion, table);
        output.WriteDelta(db, table, delta);
        if (!File.Exists(PersonDelta.ReplacedFile(output.VersionDirectory)))
            output.WriteDelta(db, null, PersonDelta.ReplacedSql(PersonDelta.Has(previousVersion) ? PersonDelta.ReplacedFile(previousVersion) : null, replaced: "replaced_keys"));
    }

    /// <summary>
    /// The SQL writing table <paramref name="table"/>: this run's rows of scope persons, then the previous version's
    /// rows of everyone else. Conversions without a person (a contact without email, a deal whose email no event or
    /// contact carries) are keyed by email instead: this run's when the email is in the scope or absent.
    /// </summary>
    private string Merge(string table, string sql)
    {
        if (table != "conversions")
        {
            return $"""
                SELECT n.* FROM ({sql}) n
                UNION ALL BY NAME
                SELECT o.* FROM {Previous(table)} o ANTI JOIN previous_persons x ON x.person_id = o.person_id
                """;
        }
        return $"""
            SELECT n.* FROM ({sql}) n
            WHERE {Unowned("n")} OR n.person_id IS NOT NULL
            UNION ALL BY NAME
            SELECT o.* FROM {Previous(table)} o ANTI JOIN previous_persons x ON x.person_id = o.person_id
            WHERE NOT {Unowned("o")}
            """;
    }

    private static string Unowned(string t) =>
        $"({t}.person_id IS NULL AND ({t}.email IS NULL OR {t}.email IN (SELECT value FROM scope_ids WHERE kind = 'email')))";

    /// <summary>
    /// The new version's figures. Plain tables are counted; a delta layout takes the base's figures, less those of its
    /// replaced persons, plus the delta's, so only the base's person columns are scanned and nothing is counted distinct
    /// over every person (this was a second of a 10M-event incremental run).
    /// </summary>
    internal TableFigures Figures(LakeDatabase db, DerivedTableWriter output)
    {
        if (Folded != false)
            return BaseFigures = TableFigures.Read(db, output.TableSql);
        var version = output.VersionDirectory;
        BaseFigures = PreviousBaseFigures ?? TableFigures.Read(db, t => PersonDelta.BaseSql(version, t));
        var replaced = LakeDatabase.Literal(PersonDelta.ReplacedFile(version));
        var gone = TableFigures.Read(db, t => $"SELECT b.* FROM ({PersonDelta.BaseSql(version, t)}) b SEMI JOIN read_parquet({replaced}) r ON r.person_id = {PersonDelta.KeySql(t, "b")}");
        var delta = TableFigures.Read(db, t => $"SELECT * FROM read_parquet({LakeDatabase.Literal(PersonDelta.DeltaFile(version, t))})");
        return BaseFigures.Minus(gone).Plus(delta);
    }

    /// <summary>Writes the replaced and the recomputed persons for the attribution step.</summary>
    internal void Finish(LakeDatabase db)
    {
        db.CopyToParquet("SELECT person_id FROM previous_persons", PreviousPersonsFile);
        db.Execute("""
            CREATE TEMP TABLE recomputed_persons AS
            SELECT person_id FROM stitched_sessions
            UNION SELECT person_id FROM node_person
            UNION SELECT person_id FROM stitched_conversions WHERE person_id IS NOT NULL
            """);
        db.CopyToParquet("SELECT person_id FROM recomputed_persons", RecomputedPersonsFile);
        Summary = new ScopeSummary(_identifiers, _events, _previousPersons, Count(db, "SELECT count(*) FROM recomputed_persons"));
    }

    private static long Count(LakeDatabase db, string sql) => Convert.ToInt64(db.ExecuteScalar(sql), CultureInfo.InvariantCulture);
}
