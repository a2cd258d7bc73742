using ClosedLoop.Core;

namespace ClosedLoop.Lake.Query.Output;

/// <summary>The result formats of <c>--format</c> (SPEC section 1).</summary>
public enum QueryOutputFormat
{
    Table,
    Csv,
    Json,
    Parquet,
    Arrow,
}

public static class QueryOutputFormats
{
    public const string Names = "table, csv, json, parquet, arrow";

    public static QueryOutputFormat Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim().ToLowerInvariant() switch
        {
            "table" => QueryOutputFormat.Table,
            "csv" => QueryOutputFormat.Csv,
            "json" => QueryOutputFormat.Json,
            "parquet" => QueryOutputFormat.Parquet,
            "arrow" or "ipc" or "feather" => QueryOutputFormat.Arrow,
            _ => throw new UserInputException($"unknown format '{value}': use one of {Names}"),
        };
    }

    /// <summary>Binary formats are never written to a terminal.</summary>
    public static bool IsBinary(this QueryOutputFormat format) => format is QueryOutputFormat.Parquet or QueryOutputFormat.Arrow;

    /// <summary>
    /// The format when none is asked for: <c>table</c> for a person at a terminal, <c>csv</c> when
    /// the output goes to a file or a pipe (machine-readable, header included).
    /// </summary>
    public static QueryOutputFormat Default(bool outputIsTerminal) => outputIsTerminal ? QueryOutputFormat.Table : QueryOutputFormat.Csv;
}
