using System.CommandLine;
using ClosedLoop.Cli;

namespace ClosedLoop.IntegrationTests;

/// <summary>Console capture is process-wide: every test class that runs the CLI in-process joins this collection.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Runs the real command tree in-process with captured stdout and stderr.</summary>
public static class CliRunner
{
    private static readonly RootCommand s_root = CliApp.BuildRoot();

    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var oldOut = Console.Out;
        var oldError = Console.Error;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await CliHost.RunAsync(s_root, args);
            return new Result(code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
