using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClosedLoop.Lake.Synthetic;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop generate --out DIR [--events N] [--days D] [--seed S]</c>: a synthetic data set with known ground truth.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory to write events.ndjson, contacts.csv, deals.csv, spend.csv and truth/ into (created if missing; files of the same names are replaced)",
            Required = true,
            HelpName = "DIR",
        };
        var events = new Option<long>("--events")
        {
            Description = "Exact number of lines in events.ndjson, > 0. Every line counts once: an event, a {\"batch\":[...]} line of 2-3 events, a duplicate line (~0.5%) or a malformed line (~0.1%); truth/summary.json breaks them down",
            DefaultValueFactory = _ => 100_000,
            HelpName = "N",
        };
        // A parse-time check, so a bad count is bad usage (exit 2) with a message, not a failure.
        events.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<long>();
            if (value <= 0)
                result.AddError($"--events must be greater than 0 (got {value.ToString(CultureInfo.InvariantCulture)}): it is the number of lines to write to events.ndjson.");
        });
        var days = new Option<int>("--days")
        {
            Description = "Days of traffic, ending at the seed's fixed end date; the same number of events is spread over them",
            DefaultValueFactory = _ => SyntheticDataSet.WindowDays,
            HelpName = "D",
        };
        days.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value <= 0)
                result.AddError($"--days must be greater than 0 (got {value.ToString(CultureInfo.InvariantCulture)}).");
        });
        var seed = new Option<long>("--seed")
        {
            Description = "Random seed; the same seed gives byte-identical files, and fixes the window's end date",
            DefaultValueFactory = _ => 42,
            HelpName = "S",
        };

        var command = new Command("generate", "Write a realistic synthetic data set for a B2B SaaS marketing site, with its ground truth under truth/; streams, so any size up to 100M events")
        {
            output,
            events,
            days,
            seed,
        };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(events);
            var dir = parse.GetValue(output)!;
            var stopwatch = Stopwatch.StartNew();
            var summary = new SyntheticDataSet(new SyntheticDataSetOptions
            {
                OutputDirectory = dir.FullName,
                Events = n,
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                Progress = lines => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"generate: {lines:N0} / {n:N0} event lines ({100.0 * lines / n:F0}%), {stopwatch.Elapsed.TotalSeconds:F1} s")),
            }).Generate();

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Generated {summary.Lines:N0} event lines in {stopwatch.Elapsed.TotalSeconds:F1} s into {dir.FullName}"));
            foreach (var file in summary.Files)
            {
                var relative = Path.GetRelativePath(dir.FullName, file.Path);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {relative,-28} {file.Rows,12:N0} rows"));
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {summary.Persons:N0} persons, {summary.Cookies:N0} cookies, {summary.Events:N0} valid events ({summary.SegmentEvents:N0} Segment-shaped), " +
                $"{summary.DuplicateLines:N0} duplicate and {summary.MalformedLines:N0} malformed lines"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {summary.Leads:N0} leads, {summary.Customers:N0} customers, {summary.WonRevenue:N0} USD won, {summary.SharedDevices:N0} shared devices; " +
                $"window {summary.WindowStart:yyyy-MM-dd} to {summary.WindowEnd:yyyy-MM-dd}"));
            return CliHost.Success;
        });
        return command;
    }
}
