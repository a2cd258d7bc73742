using System.Text;

namespace ClosedLoop.Lake.Crm;

/// <summary>The storage type of a lake column (Parquet physical type and DuckDB type follow from it).</summary>
public enum LakeColumnType
{
    String,
    /// <summary>UTC instant, microseconds; DuckDB reads it as <c>TIMESTAMP</c> (every lake timestamp is UTC).</summary>
    Timestamp,
    Date,
    /// <summary>DECIMAL(18,4): money.</summary>
    Decimal,
    Long,
}

/// <summary>One column of a table ClosedLoop writes to the lake.</summary>
public sealed record LakeColumn(string Name, LakeColumnType Type)
{
    public string DuckDbType => Type switch
    {
        LakeColumnType.String => "VARCHAR",
        LakeColumnType.Timestamp => "TIMESTAMP",
        LakeColumnType.Date => "DATE",
        LakeColumnType.Decimal => "DECIMAL(18,4)",
        LakeColumnType.Long => "BIGINT",
        _ => throw new InvalidOperationException($"unknown column type {Type}"),
    };
}

/// <summary>An input column a CRM table understands, with the export headers that mean it.</summary>
internal sealed class CrmField
{
    public CrmField(string name, params string[] aliases)
    {
        Name = name;
        Aliases = [.. aliases.Select(CrmTable.NormalizeHeader).Append(CrmTable.NormalizeHeader(name)).Distinct()];
    }

    public string Name { get; }
    public IReadOnlyList<string> Aliases { get; }
}

/// <summary>
/// What differs between the CRM tables (contacts, deals, spend): the input columns and their export
/// aliases, the required columns, the output schema and how one row is mapped. The load loop is shared
/// (<see cref="CrmLoader"/>).
/// </summary>
public abstract class CrmTable
{
    public static readonly CrmTable Contacts = new ContactsTable();
    public static readonly CrmTable Deals = new DealsTable();
    public static readonly CrmTable Spend = new SpendTable();

    private Dictionary<string, int>? _aliasIndex;
    private IReadOnlyList<LakeColumn>? _allColumns;

    /// <summary><c>contacts</c>, <c>deals</c> or <c>spend</c>: the rejects kind and the view name.</summary>
    public abstract string Kind { get; }

    /// <summary>Where this table's Parquet files live.</summary>
    public abstract string Directory(LakeLayout lake);

    /// <summary>The columns that identify a record: a reload replaces rows with the same key.</summary>
    public abstract IReadOnlyList<string> Key { get; }

    /// <summary>Whether input columns that are not mapped are kept as a JSON <c>properties</c> column.</summary>
    public abstract bool KeepsProperties { get; }

    /// <summary>The domain columns, in output order (see <see cref="AllColumns"/> for the full schema).</summary>
    public abstract IReadOnlyList<LakeColumn> Columns { get; }

    /// <summary>The full schema of the table's Parquet files: domain columns, properties, lineage.</summary>
    public IReadOnlyList<LakeColumn> AllColumns => _allColumns ??=
    [
        .. Columns,
        .. KeepsProperties ? new[] { new LakeColumn("properties", LakeColumnType.String) } : [],
        new LakeColumn("source_file", LakeColumnType.String),
        new LakeColumn("source_line", LakeColumnType.Long),
        new LakeColumn("loaded_at", LakeColumnType.Timestamp),
    ];

    internal abstract IReadOnlyList<CrmField> Fields { get; }

    /// <summary>Groups of input fields of which the header must name at least one each.</summary>
    internal abstract IReadOnlyList<string[]> RequiredFields { get; }

    /// <summary>Fills <paramref name="output"/> (one slot per <see cref="Columns"/>) or returns why the row is rejected.</summary>
    internal abstract string? Map(CrmInputRow row, object?[] output);

    /// <summary>Header comparison key: lower case without spaces, underscores, hyphens and dots.</summary>
    public static string NormalizeHeader(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var sb = new StringBuilder(header.Length);
        foreach (var c in header.Trim().TrimStart('\uFEFF'))
        {
            if (c is not (' ' or '_' or '-' or '.' or '\t'))
                sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>The input field a header (or JSON key) means, or -1.</summary>
    internal int FieldIndex(string header)
    {
        if (_aliasIndex is null)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < Fields.Count; i++)
            {
                foreach (var alias in Fields[i].Aliases)
                    index.TryAdd(alias, i);
            }
            _aliasIndex = index;
        }
        return _aliasIndex.TryGetValue(NormalizeHeader(header), out var f) ? f : -1;
    }

    internal int FieldIndexOf(string name)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == name)
                return i;
        }
        throw new InvalidOperationException($"{Kind} has no field {name}");
    }
}
