using System.CommandLine;
using System.Globalization;
using ClosedLoop.Core;
using ClosedLoop.Lake;
using ClosedLoop.Lake.Stitching;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop stitch</c>: identities, sessions and touchpoints from what is loaded.</summary>
internal static class StitchCommand
{
    public static Command Create()
    {
        var timeout = new Option<string>("--session-timeout")
        {
            Description = "Inactivity that ends a session, e.g. 30m, 1h (a bare number is minutes)",
            DefaultValueFactory = _ => "30m",
        };
        var maxEmails = new Option<int>("--max-emails-per-cookie")
        {
            Description = "A cookie seen with more emails than this links nothing (a shared kiosk or demo machine)",
            DefaultValueFactory = _ => 5,
        };
        var midnight = new Option<bool>("--split-at-midnight")
        {
            Description = "Also start a new session at midnight in --time-zone, as GA4 does",
        };
        var timeZone = new Option<string>("--time-zone")
        {
            Description = "IANA time zone for --split-at-midnight, e.g. Europe/Berlin",
            DefaultValueFactory = _ => "UTC",
        };
        var memory = new Option<string>("--memory-limit")
        {
            Description = "DuckDB memory limit for the run (it spills to disk beyond it), e.g. 3GB",
            DefaultValueFactory = _ => "3GB",
        };
        var command = new Command("stitch",
            "Link cookies, user ids and emails into persons, then build sessions, touchpoints and conversions (lake/derived: identities, sessions, touchpoints, conversions)")
        {
            timeout, maxEmails, midnight, timeZone, memory,
        };
        command.SetAction((parse, ct) =>
        {
            var lake = new LakeLayout(parse.GetValue(CommonOptions.Lake)!.FullName);
            var options = new StitchOptions
            {
                SessionTimeout = Durations.Parse(parse.GetValue(timeout)!),
                MaxEmailsPerCookie = parse.GetValue(maxEmails),
                SplitAtMidnight = parse.GetValue(midnight),
                TimeZone = parse.GetValue(timeZone)!,
                MemoryLimit = parse.GetValue(memory)!,
            };
            var summary = Stitch(lake, options, ct);
            Console.WriteLine(Describe(summary));
            return Task.FromResult(CliHost.Success);
        });
        return command;
    }

    /// <summary>Runs a stitch with its steps logged on stderr; shared with <c>demo</c>.</summary>
    public static StitchSummary Stitch(LakeLayout lake, StitchOptions options, CancellationToken ct, bool quiet = false)
    {
        if (!Directory.Exists(lake.Root))
            throw new UserInputException($"no lake at {lake.Root}: load events first (closedloop load events FILE --lake {lake.Root})");
        return new IdentityStitcher(lake, options).Run(
            quiet ? null : step => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stitch: {step.Name} {step.Elapsed.TotalSeconds:0.0}s")),
            ct);
    }

    public static string Describe(StitchSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"stitched {s.Events:N0} events: {s.Persons:N0} persons ({s.IdentifiedPersons:N0} with an email), {s.Identities:N0} identities, " +
        $"{s.Sessions:N0} sessions, {s.Touchpoints:N0} touchpoints, {s.Conversions:N0} conversions; {s.SplitCookies:N0} shared cookies split, " +
        $"{s.UnlinkableCookies:N0} cookies over the email limit not linked");
}
