using System.CommandLine;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop sql "QUERY"</c>: DuckDB SQL over the lake's views.</summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("QUERY")
        {
            Description = "DuckDB SQL over the views " + string.Join(", ", LakeDatabase.ViewNames),
        };
        var format = new Option<string?>("--format")
        {
            Description = $"Output format: {QueryOutputFormats.Names} (default: table on a terminal, csv when redirected; parquet and arrow need --out or a redirected stdout)",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json", "parquet", "arrow");
        var output = new Option<FileInfo?>("--out")
        {
            Description = "Write the result to this file instead of stdout",
        };
        var command = new Command("sql", "Run DuckDB SQL over the lake's views and print or save the result") { query, format, output };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var outFile = parse.GetValue(output);
            var formatName = parse.GetValue(format);
            var toTerminal = outFile is null && !Console.IsOutputRedirected;
            var fmt = formatName is null ? QueryOutputFormats.Default(toTerminal) : QueryOutputFormats.Parse(formatName);
            if (fmt.IsBinary() && toTerminal)
                throw new UserInputException($"--format {formatName} writes binary data: give --out FILE or redirect stdout");

            using var db = LakeDatabase.Open(lake);
            var sql = parse.GetValue(query)!;
            if (fmt == QueryOutputFormat.Parquet)
            {
                await WriteParquetAsync(db, sql, outFile, ct);
                return CliHost.Success;
            }

            await using var stream = outFile is null ? Console.OpenStandardOutput() : OpenOut(outFile);
            using var reader = db.ExecuteReader(sql);
            await QueryResultWriter.WriteAsync(reader, fmt, stream, ct);
            await stream.FlushAsync(ct);
            return CliHost.Success;
        });
        return command;
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
