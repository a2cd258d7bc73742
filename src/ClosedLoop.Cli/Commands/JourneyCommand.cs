using System.CommandLine;
using System.Text;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Journeys;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop journey --email E</c>: one person's identifiers, sessions, touchpoints, conversions and credits.</summary>
internal static class JourneyCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email")
        {
            Description = "The person's email (any case or spacing; matched as normalised at load)",
            Required = true,
        };
        var format = new Option<string?>("--format")
        {
            Description = "table (default on a terminal) or json (one object with an array per section; default when redirected)",
        };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("journey", "Show one person's whole timeline: identities, sessions, touchpoints, conversions and credits") { email, format };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var json = parse.GetValue(format) is { } f ? f == "json" : Console.IsOutputRedirected;
            using var db = LakeDatabase.Open(lake);
            var person = PersonJourneyQuery.FindPerson(db, parse.GetValue(email)!);
            // A journey is small: render it whole, then write it through Console.Out (redirectable, testable in-process).
            using var buffer = new MemoryStream();
            if (json)
                await PersonJourneyQuery.WriteJsonAsync(db, person, buffer, ct);
            else
                await WriteTablesAsync(db, person, buffer, ct);
            await Console.Out.WriteAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            await Console.Out.FlushAsync(ct);
            return CliHost.Success;
        });
        return command;
    }

    private static async Task WriteTablesAsync(LakeDatabase db, string person, Stream output, CancellationToken ct)
    {
        await WriteTextAsync(output, $"person {person}\n", ct);
        foreach (var (name, sql) in PersonJourneyQuery.Sections)
        {
            await WriteTextAsync(output, $"\n{name}\n", ct);
            using var reader = db.ExecuteReader(PersonJourneyQuery.For(sql, person));
            await QueryResultWriter.WriteAsync(reader, QueryOutputFormat.Table, output, ct);
        }
    }

    private static async Task WriteTextAsync(Stream output, string text, CancellationToken ct) =>
        await output.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
}
