using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

internal static class LoadEventsCommand
{
    public static Command Create()
    {
        var command = new Command("events", "TODO");
        command.SetAction(_ => CliHost.Failure);
        return command;
    }
}
