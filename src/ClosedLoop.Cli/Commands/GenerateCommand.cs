using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Create()
    {
        var command = new Command("generate", "TODO");
        command.SetAction(_ => CliHost.Failure);
        return command;
    }
}
