using System.CommandLine;
using ClosedLoop.Core;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;

namespace ClosedLoop.Cli;

/// <summary><c>--format</c> and <c>--out</c> for every command that prints a result set, and the writing itself.</summary>
internal static class QueryOutputOptions
{
    public static Option<string?> Format()
    {
        var format = new Option<string?>("--format")
        {
            Description = $"Output format: {QueryOutputFormats.Names} (default: table on a terminal, csv when redirected; parquet and arrow need --out or a redirected stdout)",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json", "parquet", "arrow");
        return format;
    }

    public static Option<FileInfo?> Out() => new("--out") { Description = "Write the result to this file instead of stdout" };

    /// <summary>Runs <paramref name="sql"/> and writes its rows in the chosen format to the file or stdout.</summary>
    public static async Task WriteAsync(LakeDatabase db, string sql, string? formatName, FileInfo? outFile, CancellationToken ct)
    {
        var toTerminal = outFile is null && !Console.IsOutputRedirected;
        var fmt = formatName is null ? QueryOutputFormats.Default(toTerminal) : QueryOutputFormats.Parse(formatName);
        if (fmt.IsBinary() && toTerminal)
            throw new UserInputException($"--format {formatName} writes binary data: give --out FILE or redirect stdout");
        if (fmt == QueryOutputFormat.Parquet)
        {
            await WriteParquetAsync(db, sql, outFile, ct);
            return;
        }
        await using var stream = outFile is null ? Console.OpenStandardOutput() : OpenOut(outFile);
        using var reader = db.ExecuteReader(sql);
        await QueryResultWriter.WriteAsync(reader, fmt, stream, ct);
        await stream.FlushAsync(ct);
    }

    private static async Task WriteParquetAsync(LakeDatabase db, string sql, FileInfo? outFile, CancellationToken ct)
    {
        if (outFile is not null)
        {
            Directory.CreateDirectory(outFile.DirectoryName!);
            db.CopyToParquet(sql, outFile.FullName);
            return;
        }
        // Parquet needs a seekable target: build it in a temporary file, then stream it out.
        var temp = Path.Combine(Path.GetTempPath(), $"closedloop-{Guid.NewGuid():N}.parquet");
        try
        {
            db.CopyToParquet(sql, temp);
            await using var file = File.OpenRead(temp);
            await using var stdout = Console.OpenStandardOutput();
            await file.CopyToAsync(stdout, ct);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static FileStream OpenOut(FileInfo file)
    {
        Directory.CreateDirectory(file.DirectoryName!);
        return file.Create();
    }
}
