using System.CommandLine;
using System.Globalization;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Maintenance;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop forget --email E</c>: erase a person from the lake.</summary>
internal static class ForgetCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "An email of the person to erase (all their linked identifiers go)", Required = true };
        var command = new Command("forget",
            "Erase a person: every event, reject, CRM row, identity, conversion and credit linked to the email; the erasure (not the data) is logged in lake/_audit/erasures.ndjson")
        {
            email,
        };
        command.SetAction((parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var summary = new Erasure(lake).Forget(parse.GetValue(email)!, step =>
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"time={DateTime.UtcNow:O} level=info msg=\"forget step\" step=\"{step.Name}\" seconds={step.Elapsed.TotalSeconds:0.000}")), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forgot {summary.PersonId}: {summary.Identifiers} identifiers, {summary.EventsRemoved:N0} events, {summary.RejectsRemoved:N0} rejects and {summary.CrmRowsRemoved:N0} CRM rows removed ({summary.FilesRewritten} files rewritten); derived tables rebuilt"));
            return Task.FromResult(CliHost.Success);
        });
        return command;
    }
}
