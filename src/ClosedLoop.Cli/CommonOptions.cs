using System.CommandLine;

namespace ClosedLoop.Cli;

/// <summary>Options shared by every command.</summary>
internal static class CommonOptions
{
    public static readonly Option<DirectoryInfo> Lake = new("--lake")
    {
        Description = "The lake directory (default: $CLOSEDLOOP_LAKE, else ./lake)",
        Recursive = true,
        DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable("CLOSEDLOOP_LAKE") is { Length: > 0 } env ? env : "lake"),
    };
}
