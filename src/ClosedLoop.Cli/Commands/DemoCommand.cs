using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "TODO");
        command.SetAction(_ => CliHost.Failure);
        return command;
    }
}
