using System.CommandLine;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Reports;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop export contacts --model M --out FILE</c>: the CRM write-back file.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Files for other systems: 'export contacts' writes the CRM write-back file");
        command.Subcommands.Add(Contacts());
        return command;
    }

    private static Command Contacts()
    {
        var model = new Option<string>("--model")
        {
            Description = $"Model whose credited won-deal revenue is exported: {string.Join(", ", AttributionModels.All)}",
            DefaultValueFactory = _ => "linear",
        };
        var output = new Option<FileInfo>("--out") { Description = "The file to write (CSV unless --format says otherwise)", Required = true };
        var format = QueryOutputOptions.Format();
        var command = new Command("contacts",
            "Per CRM contact: original (first-touch) channel, source and campaign, first touch time, the lead-creation touch, touch count, won and credited revenue")
        {
            model, output, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var models = AttributionModels.Parse(parse.GetValue(model)!);
            if (models.Count != 1)
                throw new Core.UserInputException("export contacts takes one --model");
            using (var check = LakeDatabase.Open(lake))
            {
                if (check.ExecuteScalar("SELECT 1 FROM contacts LIMIT 1") is null)
                    throw new Core.UserInputException("no contacts in the lake: load them with 'closedloop load contacts FILE', then run 'closedloop stitch'");
                if (AttributionRun.HasConversions(check, "deal"))
                {
                    using var run = AttributionRun.Start(lake, new AttributionRequest { ConversionType = "deal", Models = models });
                }
            }
            using var db = LakeDatabase.Open(lake);
            var file = parse.GetValue(output)!;
            await QueryOutputOptions.WriteAsync(db, ContactExport.Sql(models[0]), parse.GetValue(format) ?? "csv", file, ct);
            var rows = db.ExecuteScalar("SELECT count(*) FROM contacts");
            Console.Error.WriteLine($"export: {rows} contacts written to {file.FullName}");
            return CliHost.Success;
        });
        return command;
    }
}
