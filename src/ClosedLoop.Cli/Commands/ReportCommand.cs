using System.CommandLine;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Attribution;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Reports;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop report funnel|roi|paths|clv|content|compare</c>: the closed-loop reports of SPEC section 6.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Closed-loop reports: funnel, roi, paths, clv, content, compare (run 'closedloop stitch' first)");
        command.Subcommands.Add(Funnel());
        command.Subcommands.Add(Roi());
        command.Subcommands.Add(Paths());
        command.Subcommands.Add(Clv());
        command.Subcommands.Add(Content());
        command.Subcommands.Add(Compare());
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
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        var command = new Command("funnel", "Per first-touch channel (or --by): visitors, leads, MQLs, SQLs, opportunities, customers, stage-to-stage rates, median days between stages")
        {
            by, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var db = LakeDatabase.Open(Lake(parse));
            RequireStitched(db);
            await QueryOutputOptions.WriteAsync(db, ClosedLoopReports.Funnel(AttributionModels.ParseDimension(parse.GetValue(by)!)), parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    private static Command Roi()
    {
        var (by, model, lookback, from, to) = (By(), Model("linear"), Lookback(), From(), To());
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        var command = new Command("roi", "Per channel or campaign (--by): spend, credited leads, customers and won revenue under a model, ROAS, ROI, cost per lead and per customer")
        {
            by, model, lookback, from, to, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var lake = Lake(parse);
            var request = Request(parse, "deal", model, by, lookback, from, to);
            using var db = CreditScope(lake, request, ["lead", "customer", "deal"]);
            await QueryOutputOptions.WriteAsync(db, ClosedLoopReports.Roi(request.Models[0], request.Dimension, request.From, request.To), parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    private static Command Paths()
    {
        var (by, conversion, lookback, from, to) = (By(), Conversion("lead"), Lookback(), From(), To());
        var top = new Option<int>("--top") { Description = "Paths to list per outcome", DefaultValueFactory = _ => 10 };
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        var command = new Command("paths", "The most frequent paths to a conversion and to none, with counts, shares and each path's conversion rate")
        {
            by, conversion, lookback, from, to, top, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new AttributionRequest
            {
                ConversionType = parse.GetValue(conversion)!.Trim(),
                Models = [],
                Dimension = AttributionModels.ParseDimension(parse.GetValue(by)!),
                Lookback = Durations.Parse(parse.GetValue(lookback)!, defaultUnit: 'd'),
                From = AttributeCommand.ParseDay(parse.GetValue(from), "--from"),
                To = AttributeCommand.ParseDay(parse.GetValue(to), "--to"),
            };
            var n = parse.GetValue(top);
            if (n < 1)
                throw new UserInputException($"--top must be at least 1 (got {n})");
            using var run = AttributionRun.Start(Lake(parse), request);
            await QueryOutputOptions.WriteAsync(run.Database, ClosedLoopReports.Paths(request.Dimension, request.ConversionType, n), parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    private static Command Clv()
    {
        var by = By();
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        var command = new Command("clv", "Lifetime won-deal revenue per customer, grouped by acquisition (first-touch) channel or --by") { by, format, output };
        command.SetAction(async (parse, ct) =>
        {
            using var db = LakeDatabase.Open(Lake(parse));
            RequireStitched(db);
            await QueryOutputOptions.WriteAsync(db, ClosedLoopReports.Clv(AttributionModels.ParseDimension(parse.GetValue(by)!)), parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    private static Command Content()
    {
        var (model, lookback, from, to) = (Model("linear"), Lookback(), From(), To());
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        var command = new Command("content", "Landing pages by credited leads, opportunities, pipeline and won revenue under a model")
        {
            model, lookback, from, to, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var lake = Lake(parse);
            var request = Request(parse, "deal", model, null, lookback, from, to);
            using var db = CreditScope(lake, request, ["lead", "opportunity", "deal"]);
            await QueryOutputOptions.WriteAsync(db, ClosedLoopReports.Content(request.Models[0]), parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    private static Command Compare()
    {
        var (by, conversion, lookback, from, to) = (By(), Conversion("deal"), Lookback(), From(), To());
        var revenue = new Option<bool>("--revenue") { Description = "Compare credited revenue instead of credited conversions" };
        var (format, output) = (QueryOutputOptions.Format(), QueryOutputOptions.Out());
        var command = new Command("compare", "Every attribution model side by side for one conversion type: a column per model")
        {
            by, conversion, lookback, from, to, revenue, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new AttributionRequest
            {
                ConversionType = parse.GetValue(conversion)!.Trim(),
                Models = AttributionModels.All,
                Dimension = AttributionModels.ParseDimension(parse.GetValue(by)!),
                Lookback = Durations.Parse(parse.GetValue(lookback)!, defaultUnit: 'd'),
                From = AttributeCommand.ParseDay(parse.GetValue(from), "--from"),
                To = AttributeCommand.ParseDay(parse.GetValue(to), "--to"),
            };
            using var run = AttributionRun.Start(Lake(parse), request);
            await QueryOutputOptions.WriteAsync(run.Database, ClosedLoopReports.Compare(request.Dimension, request.Models, parse.GetValue(revenue)),
                parse.GetValue(format), parse.GetValue(output), ct);
            return CliHost.Success;
        });
        return command;
    }

    private static LakeLayout Lake(ParseResult parse) => new(parse.GetValue(CommonOptions.Lake)!.FullName);

    private static AttributionRequest Request(ParseResult parse, string conversion, Option<string> model, Option<string>? by, Option<string> lookback,
        Option<string?> from, Option<string?> to)
    {
        var models = AttributionModels.Parse(parse.GetValue(model)!);
        if (models.Count != 1)
            throw new UserInputException("this report takes one --model");
        return new AttributionRequest
        {
            ConversionType = conversion,
            Models = models,
            Dimension = by is null ? "landing_page" : AttributionModels.ParseDimension(parse.GetValue(by)!),
            Lookback = Durations.Parse(parse.GetValue(lookback)!, defaultUnit: 'd'),
            From = AttributeCommand.ParseDay(parse.GetValue(from), "--from"),
            To = AttributeCommand.ParseDay(parse.GetValue(to), "--to"),
        };
    }

    /// <summary>
    /// Attributes each conversion type that exists under the request's model (storing the credits), then opens
    /// the lake with a <c>run_scope</c> view over exactly those credits.
    /// </summary>
    private static LakeDatabase CreditScope(LakeLayout lake, AttributionRequest template, IReadOnlyList<string> types)
    {
        var present = new List<string>();
        using (var check = LakeDatabase.Open(lake))
        {
            RequireStitched(check);
            present.AddRange(types.Where(t => AttributionRun.HasConversions(check, t)));
        }
        foreach (var type in present)
        {
            using var run = AttributionRun.Start(lake, new AttributionRequest
            {
                ConversionType = type,
                Models = template.Models,
                Dimension = template.Dimension,
                Lookback = template.Lookback,
                From = template.From,
                To = template.To,
            });
        }
        var db = LakeDatabase.Open(lake);
        var typeList = present.Count == 0 ? "NULL" : string.Join(", ", present.Select(LakeDatabase.Literal));
        db.Execute($"""
            CREATE TEMP VIEW run_scope AS SELECT * FROM credits
            WHERE model = {LakeDatabase.Literal(template.Models[0])} AND dimension = {LakeDatabase.Literal(template.Dimension)} AND conversion_type IN ({typeList})
            """);
        return db;
    }

    private static void RequireStitched(LakeDatabase db)
    {
        if (db.ExecuteScalar("SELECT 1 FROM touchpoints LIMIT 1") is null && db.ExecuteScalar("SELECT 1 FROM conversions LIMIT 1") is null)
            throw new UserInputException("nothing stitched yet: load events and CRM data, then run 'closedloop stitch'");
    }
}
