using System.CommandLine;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Reports;
using ClosedLoop.Service.Dashboard;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop report funnel|roi|paths|clv|content|compare|timeline</c>: the closed-loop reports of SPEC section 6, and
/// <c>report html</c>, their charts in one file. The orchestration (attribution runs, the credit scope) is
/// <see cref="ReportRunner"/>, shared with the read API.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Closed-loop reports: funnel, roi, paths, clv, content, compare, timeline (run 'closedloop stitch' first)");
        command.Subcommands.Add(Funnel());
        command.Subcommands.Add(Roi());
        command.Subcommands.Add(Paths());
        command.Subcommands.Add(Clv());
        command.Subcommands.Add(Content());
        command.Subcommands.Add(Compare());
        command.Subcommands.Add(Timeline());
        command.Subcommands.Add(Html());
        return command;
    }

    private static Option<string> By(string fallback = "channel") => new("--by")
    {
        Description = $"Group by: {string.Join(", ", AttributionModels.Dimensions.Keys)}",
        DefaultValueFactory = _ => fallback,
    };

    private static Option<string> Model(string fallback) => new("--model")
    {
        Description = $"Attribution model: {string.Join(", ", AttributionModels.All)}",
        DefaultValueFactory = _ => fallback,
    };

    private static Option<string> Conversion(string fallback) => new("--conversion")
    {
        Description = "Conversion type: lead, mql, sql, opportunity, customer, deal or event:NAME",
        DefaultValueFactory = _ => fallback,
    };

    private static Option<string> Lookback() => new("--lookback")
    {
        Description = "Touches up to this long before a conversion count, e.g. 90d",
        DefaultValueFactory = _ => "90d",
    };

    private static Option<string?> From() => new("--from") { Description = "First conversion day, YYYY-MM-DD (inclusive); also bounds spend" };

    private static Option<string?> To() => new("--to") { Description = "Last conversion day, YYYY-MM-DD (inclusive); also bounds spend" };

    private static Command Funnel()
    {
        var by = By();
        var command = new Command("funnel", "Per first-touch channel (or --by): visitors, leads, MQLs, SQLs, opportunities, customers, stage-to-stage rates, median days between stages")
        {
            by,
        };
        return WithAction(command, "funnel", parse => new ReportParameters { By = parse.GetValue(by) });
    }

    private static Command Roi()
    {
        var (by, model, lookback, from, to) = (By(), Model("linear"), Lookback(), From(), To());
        var command = new Command("roi", "Per channel or campaign (--by): spend, credited leads, customers and won revenue under a model, ROAS, ROI, cost per lead and per customer")
        {
            by, model, lookback, from, to,
        };
        return WithAction(command, "roi", parse => new ReportParameters
        {
            By = parse.GetValue(by), Model = parse.GetValue(model), Lookback = parse.GetValue(lookback), From = parse.GetValue(from), To = parse.GetValue(to),
        });
    }

    private static Command Paths()
    {
        var (by, conversion, lookback, from, to) = (By(), Conversion("lead"), Lookback(), From(), To());
        var top = new Option<int>("--top") { Description = "Paths to list per outcome", DefaultValueFactory = _ => 10 };
        var command = new Command("paths", "The most frequent paths to a conversion and to none, with counts, shares and each path's conversion rate")
        {
            by, conversion, lookback, from, to, top,
        };
        return WithAction(command, "paths", parse => new ReportParameters
        {
            By = parse.GetValue(by), Conversion = parse.GetValue(conversion), Lookback = parse.GetValue(lookback), From = parse.GetValue(from), To = parse.GetValue(to),
            Top = parse.GetValue(top),
        });
    }

    private static Command Clv()
    {
        var by = By();
        var command = new Command("clv", "Lifetime won-deal revenue per customer, grouped by acquisition (first-touch) channel or --by") { by };
        return WithAction(command, "clv", parse => new ReportParameters { By = parse.GetValue(by) });
    }

    private static Command Content()
    {
        var (model, lookback, from, to) = (Model("linear"), Lookback(), From(), To());
        var command = new Command("content", "Landing pages by credited leads, opportunities, pipeline and won revenue under a model")
        {
            model, lookback, from, to,
        };
        return WithAction(command, "content", parse => new ReportParameters
        {
            Model = parse.GetValue(model), Lookback = parse.GetValue(lookback), From = parse.GetValue(from), To = parse.GetValue(to),
        });
    }

    private static Command Compare()
    {
        var (by, conversion, lookback, from, to) = (By(), Conversion("deal"), Lookback(), From(), To());
        var revenue = new Option<bool>("--revenue") { Description = "Compare credited revenue instead of credited conversions" };
        var command = new Command("compare", "Every attribution model side by side for one conversion type: a column per model")
        {
            by, conversion, lookback, from, to, revenue,
        };
        return WithAction(command, "compare", parse => new ReportParameters
        {
            By = parse.GetValue(by), Conversion = parse.GetValue(conversion), Lookback = parse.GetValue(lookback), From = parse.GetValue(from), To = parse.GetValue(to),
            Revenue = parse.GetValue(revenue),
        });
    }

    private static Command Timeline()
    {
        var (from, to) = (From(), To());
        from.Description = "First conversion day, YYYY-MM-DD (inclusive, UTC)";
        to.Description = "Last conversion day, YYYY-MM-DD (inclusive, UTC)";
        var conversion = new Option<string>("--conversion")
        {
            Description = "Conversion types: lead, mql, sql, opportunity, customer, deal or event:NAME, several comma-separated, or all",
            DefaultValueFactory = _ => "all",
        };
        var interval = new Option<string>("--interval")
        {
            Description = $"Period: {string.Join(", ", ReportRunner.Intervals)} (weeks start on Monday; UTC)",
            DefaultValueFactory = _ => "week",
        };
        var command = new Command("timeline", "Conversions and revenue over time: per period (--interval) and conversion type, the conversions and their revenue")
        {
            conversion, interval, from, to,
        };
        return WithAction(command, "timeline", parse => new ReportParameters
        {
            Conversion = parse.GetValue(conversion), Interval = parse.GetValue(interval), From = parse.GetValue(from), To = parse.GetValue(to),
        });
    }

    /// <summary><c>report html</c>: the dashboard's compare, funnel, ROI and timeline charts as one self-contained HTML file.</summary>
    private static Command Html()
    {
        var (by, conversion, model, lookback, from, to) = (By(), Conversion("deal"), Model("linear"), Lookback(), From(), To());
        var output = new Option<FileInfo>("--out") { Description = "The HTML file to write", Required = true };
        var command = new Command("html", "One self-contained HTML file (Chart.js and the data inlined) with the compare, funnel, ROI and timeline charts, for e-mail or a wiki")
        {
            output, conversion, model, by, lookback, from, to,
        };
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var file = parse.GetValue(output)!;
            var parameters = new ReportParameters
            {
                Conversion = parse.GetValue(conversion), Model = parse.GetValue(model), By = parse.GetValue(by),
                Lookback = parse.GetValue(lookback), From = parse.GetValue(from), To = parse.GetValue(to),
            };
            // Written beside the target and renamed, so a failed run never leaves half a report behind.
            var partial = file.FullName + ".partial";
            await using (var stream = File.Create(partial))
                await HtmlReport.WriteAsync(lake, parameters, stream, ct);
            File.Move(partial, file.FullName, overwrite: true);
            await Console.Error.WriteLineAsync($"wrote {file.FullName}");
            return CliHost.Success;
        });
        return command;
    }

    /// <summary>Adds --format and --out, and the action: run the report through <see cref="ReportRunner"/> and write it.</summary>
    private static Command WithAction(Command command, string report, Func<ParseResult, ReportParameters> parameters)
    {
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            using var query = ReportRunner.Report(lake, report, parameters(parse));
            await QueryOutputOptions.WriteAsync(query.Database, query.Sql, parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }
}
