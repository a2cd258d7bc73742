using System.CommandLine;
using ClosedLoop.Cli.Commands;

namespace ClosedLoop.Cli;

/// <summary>The command tree, built in one place for the executable and for in-process tests.</summary>
internal static class CliApp
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("ClosedLoop: closed-loop marketing analytics over a Parquet lake.");
        root.Options.Add(CommonOptions.Lake);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(StitchCommand.Create());
        root.Subcommands.Add(JourneyCommand.Create());
        root.Subcommands.Add(AttributeCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(RecomputeCommand.Create());
        root.Subcommands.Add(ForgetCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }
}
