using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

internal static class SqlCommand
{
    public static Command Create()
    {
        var command = new Command("sql", "TODO");
        command.SetAction(_ => CliHost.Failure);
        return command;
    }
}
