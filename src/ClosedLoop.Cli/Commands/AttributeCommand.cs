using System.CommandLine;
using System.Globalization;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Query.Output;
using ClosedLoop.Lake.Reports;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop attribute</c>: credit conversions to touchpoints under one or more models.</summary>
internal static class AttributeCommand
{
    public static Command Create()
    {
        var conversion = new Option<string>("--conversion")
        {
            Description = "Conversion type: lead, mql, sql, opportunity, customer, deal or event:NAME (a track event name); several comma-separated, or all",
            Required = true,
        };
        var model = new Option<string>("--model")
        {
            Description = $"Models, comma-separated, or all: {string.Join(", ", AttributionModels.All)}",
            DefaultValueFactory = _ => "first,last,linear",
        };
        var by = new Option<string>("--by")
        {
            Description = $"Group by: {string.Join(", ", AttributionModels.Dimensions.Keys)}",
            DefaultValueFactory = _ => "channel",
        };
        var lookback = new Option<string>("--lookback")
        {
            Description = "Touches up to this long before the conversion count, e.g. 90d, 30d, 12h (a bare number is days)",
            DefaultValueFactory = _ => "90d",
        };
        var from = new Option<string?>("--from") { Description = "First conversion day, YYYY-MM-DD (UTC, inclusive); also bounds spend" };
        var to = new Option<string?>("--to") { Description = "Last conversion day, YYYY-MM-DD (UTC, inclusive); also bounds spend" };
        var halfLife = new Option<double>("--half-life")
        {
            Description = "time_decay half-life in days",
            DefaultValueFactory = _ => 7,
        };
        var order = new Option<int>("--order")
        {
            Description = "markov chain order, 1 to 4",
            DefaultValueFactory = _ => 1,
        };
        var keepRepeats = new Option<bool>("--keep-repeats")
        {
            Description = "markov: keep consecutive repeats of a channel on a path (collapsed by default)",
        };
        var format = QueryOutputOptions.Format();
        var output = QueryOutputOptions.Out();
        var command = new Command("attribute",
            "Credit conversions to the touchpoints before them under attribution models; prints one row per model and channel (or --by), stores per-touch credits in lake/derived/credits")
        {
            conversion, model, by, lookback, from, to, halfLife, order, keepRepeats, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            using var query = ReportRunner.Attribution(lake, new ReportParameters
            {
                Conversion = parse.GetValue(conversion),
                Model = parse.GetValue(model),
                By = parse.GetValue(by),
                Lookback = parse.GetValue(lookback),
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                HalfLifeDays = parse.GetValue(halfLife),
                MarkovOrder = parse.GetValue(order),
                KeepRepeats = parse.GetValue(keepRepeats),
            });
            var run = query.Run!;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"attribute: {run.Conversions:N0} {string.Join(", ", run.Types)} conversions, {run.Untouched:N0} with no touchpoint in {parse.GetValue(lookback)} (credited to (none))"));
            await QueryOutputOptions.WriteAsync(query.Database, query.Sql, parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    internal static DateOnly? ParseDay(string? text, string option) => ReportRunner.ParseDay(text, option);
}
