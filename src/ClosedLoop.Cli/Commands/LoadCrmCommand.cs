using System.CommandLine;
using System.Globalization;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Crm;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop load contacts|deals|spend FILE</c>: one shared command shape per CRM table.</summary>
internal static class LoadCrmCommand
{
    public static Command Contacts() => Create(CrmTable.Contacts,
        "Load CRM contacts (CSV or NDJSON; HubSpot and Salesforce export headers are recognised); a reload replaces earlier rows of the same contact");

    public static Command Deals() => Create(CrmTable.Deals,
        "Load CRM deals or opportunities (CSV or NDJSON); status won/lost/open from the stage; a reload replaces earlier rows of the same deal");

    public static Command Spend() => Create(CrmTable.Spend,
        "Load ad spend per date and channel/source/medium/campaign (CSV or NDJSON); a reload replaces the same days and campaigns");

    private static Command Create(CrmTable table, string description)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "The export to load: CSV (header row) or NDJSON, optionally .gz; '-' reads stdin",
        };
        var command = new Command(table.Kind, description) { file };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var path = parse.GetValue(file)!;
            var result = await CrmLoader.LoadAsync(lake, table, path, ct);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{table.Kind}: {result.RowsRead} rows read, {result.Loaded} loaded, {result.Rejected} rejected");
            if (result.Rejected > 0)
                summary += $" (see {result.RejectsDirectory}, or: closedloop sql \"select line, reason from rejects where kind = '{table.Kind}'\")";
            Console.WriteLine(summary);
            return CliHost.Success;
        });
        return command;
    }
}
