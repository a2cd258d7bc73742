using System.CommandLine;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Query;

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
        var format = QueryOutputOptions.Format();
        var output = QueryOutputOptions.Out();
        var command = new Command("sql", "Run DuckDB SQL over the lake's views and print or save the result") { query, format, output };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            using var db = LakeDatabase.Open(lake);
            await QueryOutputOptions.WriteAsync(db, parse.GetValue(query)!, parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }
}
