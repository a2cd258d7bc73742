using System.CommandLine;
using ClosedLoop.Core;

namespace ClosedLoop.Cli;

/// <summary>Runs the command tree with the exit-code contract: 0 success, 1 failure, 2 bad usage.</summary>
internal static class CliHost
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;
    /// <summary>The lake is locked by another recompute or erasure: nothing was done; retry later.</summary>
    public const int Busy = 3;

    private static string CommandPath(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
                names.Insert(0, c.Command is RootCommand ? "closedloop" : c.Command.Name);
        }
        return string.Join(' ', names);
    }

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine($"Try '{CommandPath(parse.CommandResult)} --help'.");
            return BadUsage;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            // On SIGTERM System.CommandLine cancels the token and, after its 2-second ProcessTerminationTimeout, returns
            // 143 whether the command is done or not. `serve` drains and writes its log to Parquet on SIGTERM, which
            // takes longer under load, so there the web host's own signal handling (ConsoleLifetime) stops it instead.
            if (parse.CommandResult.Command.Name == "serve")
                invocation.ProcessTerminationTimeout = null;
            return await parse.InvokeAsync(invocation, cts.Token);
        }
        catch (Lake.Maintenance.LakeBusyException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Busy;
        }
        catch (UserInputException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return Failure;
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("CLOSEDLOOP_DEBUG") is not "1")
        {
            // A bug of ours, not the user's: say so in one line; CLOSEDLOOP_DEBUG=1 shows the stack trace.
            Console.Error.WriteLine($"internal error ({ex.GetType().Name}): {ex.Message} (set CLOSEDLOOP_DEBUG=1 for details)");
            return Failure;
        }
    }
}
