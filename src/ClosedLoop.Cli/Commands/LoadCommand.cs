using System.CommandLine;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop load events|contacts|deals|spend</c>.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var command = new Command("load", "Load events, CRM records or ad spend into the lake");
        command.Subcommands.Add(LoadEventsCommand.Create());
        command.Subcommands.Add(LoadCrmCommand.Contacts());
        command.Subcommands.Add(LoadCrmCommand.Deals());
        command.Subcommands.Add(LoadCrmCommand.Spend());
        return command;
    }
}
