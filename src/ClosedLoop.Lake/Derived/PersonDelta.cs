using ClosedLoop.Lake.Query;

namespace ClosedLoop.Lake.Derived;

/// <summary>
/// Merge-on-read for the person tables (<see cref="Tables"/>) of a version an incremental recompute wrote, as Delta
/// Lake's deletion vectors and Iceberg's delete files do. Rewriting 700,000 sessions to change 3% of them took most of an
/// incremental run; instead the version keeps the base files of the last full run (hard links, no copy) and adds:
/// <list type="bullet">
/// <item><c>_delta/replaced_persons.parquet</c> (<c>person_id</c>): persons (or, for conversions without one, <see cref="KeySql"/>) whose base rows are no longer current;</item>
/// <item><c>_delta/TABLE.parquet</c>: the current rows of those persons and of every other person recomputed since the base.</item>
/// </list>
/// A table is then <c>base ANTI JOIN replaced_persons UNION ALL delta</c> (<see cref="TableSql"/>), which the lake's views
/// read. Once the delta passes <see cref="DefaultFoldShare"/> of the base rows, the run writes plain tables again.
/// A version without <c>_delta/</c> (every full run) has plain tables.
/// </summary>
/// <remarks>
/// A person an incremental run recomputes has a new id or one the run replaced: ids hash a canonical identifier, and
/// every identifier of a scope person is in the scope, so whoever held it before is replaced. Its current rows are
/// therefore all in the delta, which the attribution step reads instead of the whole touchpoints table.
/// </remarks>
public static class PersonDelta
{
    /// <summary>
    /// The tables kept as base plus delta. Conversions without a person are keyed by their email (<see cref="KeySql"/>):
    /// the replaced persons file also lists <c>email:E</c> for each email a run recomputed, and <c>''</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> Tables = ["sessions", "touchpoints", "identities", "conversions"];

    /// <summary>
    /// The key a row of <paramref name="table"/> (aliased <paramref name="alias"/>) is replaced by: its person, or for a
    /// conversion without one <c>email:E</c>, or <c>''</c> without an email either.
    /// </summary>
    public static string KeySql(string table, string alias) =>
        table == "conversions" ? $"coalesce({alias}.person_id, 'email:' || {alias}.email, '')" : $"{alias}.person_id";

    /// <summary>Delta rows (of sessions) as a share of the base rows above which an incremental run writes the tables whole.</summary>
    public const double DefaultFoldShare = 0.25;

    /// <summary>The row group size of delta files (<see cref="LakeDatabase.CopyToParquet"/>).</summary>
    public const int DeltaRowGroupSize = 32_768;

    public static string Directory(string version) => Path.Combine(version, "_delta");

    public static string ReplacedFile(string version) => Path.Combine(Directory(version), "replaced_persons.parquet");

    public static string DeltaFile(string version, string table) => Path.Combine(Directory(version), table + ".parquet");

    /// <summary>Whether <paramref name="version"/> (a version directory) keeps its person tables as base plus delta.</summary>
    public static bool Has(string version) => File.Exists(ReplacedFile(version));

    /// <summary>The base files of a table (every Parquet file under <c>version/TABLE/</c>).</summary>
    public static string BaseSql(string version, string table) =>
        $"SELECT * FROM read_parquet({Literal(Path.Combine(version, table, "**", "*.parquet"))}, hive_partitioning = false, union_by_name = true)";

    /// <summary>The current rows of <paramref name="table"/> in <paramref name="version"/>, whatever its layout.</summary>
    public static string TableSql(string version, string table)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(table);
        // Conversions were written whole by releases before they had a delta too (and those versions lack their delta file).
        if (!Tables.Contains(table) || !Has(version) || !File.Exists(DeltaFile(version, table)))
            return BaseSql(version, table);
        return MergeSql(BaseSql(version, table), ReplacedFile(version), DeltaFile(version, table), baseKey: KeySql(table, "b"));
    }

    // The same delta mechanism keeps a recompute's credits (CreditsStore) and its saved paths (DataDrivenWeights).

    /// <summary>
    /// Rows of <paramref name="baseSql"/> (aliased <c>b</c>) whose <paramref name="baseKey"/> is not in
    /// <paramref name="replacedFile"/>'s <paramref name="key"/> column, then the rows of <paramref name="deltaFile"/>.
    /// </summary>
    public static string MergeSql(string baseSql, string replacedFile, string deltaFile, string key = "person_id", string baseKey = "b.person_id") => $"""
        SELECT b.* FROM ({baseSql}) b ANTI JOIN read_parquet({Literal(replacedFile)}) r ON r.{key} = {baseKey}
        UNION ALL BY NAME
        SELECT * FROM read_parquet({Literal(deltaFile)})
        """;

    /// <summary>
    /// An earlier delta's rows of persons this run does not replace (temp table <paramref name="replaced"/>, column
    /// <c>person_id</c>), a row's key being <paramref name="key"/> over alias <c>o</c>.
    /// </summary>
    public static string CarriedSql(string previousDeltaFile, string replaced = "previous_persons", string key = "o.person_id") =>
        $"SELECT o.* FROM read_parquet({Literal(previousDeltaFile)}) o ANTI JOIN {replaced} x ON x.person_id = {key}";

    /// <summary>
    /// The keys this run replaces (temp table <paramref name="replaced"/>, column <c>person_id</c>) and those an earlier
    /// delta replaced, as column <paramref name="column"/>.
    /// </summary>
    public static string ReplacedSql(string? previousReplacedFile, string column = "person_id", string replaced = "previous_persons") =>
        $"SELECT person_id AS {column} FROM {replaced}"
        + (previousReplacedFile is null ? "" : $" UNION SELECT {column} FROM read_parquet({Literal(previousReplacedFile)})");

    /// <summary>Whether a delta of <paramref name="deltaRows"/> over <paramref name="baseRows"/> is written whole instead (always at a share of 0).</summary>
    public static bool Folds(long deltaRows, long baseRows, double foldShare) => foldShare <= 0 || deltaRows > foldShare * baseRows;

    private static string Literal(string path) => LakeDatabase.Literal(path.Replace('\\', '/'));
}
