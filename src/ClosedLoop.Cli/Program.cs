using System.CommandLine;
using ClosedLoop.Cli;
using ClosedLoop.Cli.Commands;

var root = new RootCommand("ClosedLoop: closed-loop marketing analytics over a Parquet lake.");
root.Options.Add(CommonOptions.Lake);
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(SqlCommand.Create());

return await CliHost.RunAsync(root, args);
