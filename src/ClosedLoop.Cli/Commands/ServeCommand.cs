using System.CommandLine;
using ClosedLoop.Service;

namespace ClosedLoop.Cli.Commands;

/// <summary><c>closedloop serve</c>: the ingest service until Ctrl-C or SIGTERM, then drain and flush.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = "Where to listen (repeatable; default http://127.0.0.1:8080)",
            DefaultValueFactory = _ => ["http://127.0.0.1:8080"],
        };
        var writeKeys = new Option<string[]>("--write-key")
        {
            Description = "A write key accepted as the HTTP Basic user name (repeatable, one per source; also ClosedLoop:WriteKeys in appsettings.json or ClosedLoop__WriteKeys__0 in the environment)",
        };
        var readToken = new Option<string?>("--read-token")
        {
            Description = "The read token for the read API (also ClosedLoop:ReadToken)",
        };
        var maxBody = new Option<int>("--max-body-bytes")
        {
            Description = "Largest event request body; larger ones get 413 (default 512000)",
            DefaultValueFactory = _ => IngestOptions.DefaultMaxBodyBytes,
        };
        var command = new Command("serve", "Run the ingest service: Segment-compatible event endpoints and CRM updates over HTTP, durable in a write-ahead log, written to the lake in the background")
        {
            urls, writeKeys, readToken, maxBody,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new IngestOptions
            {
                LakeRoot = parse.GetValue(CommonOptions.Lake)!.FullName,
                Urls = parse.GetValue(urls) is { Length: > 0 } u ? u : ["http://127.0.0.1:8080"],
                WriteKeys = parse.GetValue(writeKeys) ?? [],
                ReadToken = parse.GetValue(readToken),
                MaxBodyBytes = parse.GetValue(maxBody),
            };
            await using var server = await IngestServer.StartAsync(options, ct);
            Console.WriteLine($"closedloop serve: listening on {string.Join(", ", server.Addresses)}, lake {options.LakeRoot} (Ctrl-C or SIGTERM stops)");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, server.Stopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: the normal way to stop.
            }
            Console.WriteLine("closedloop serve: stopping; writing the log to the lake");
            await server.StopAsync();
            Console.WriteLine($"closedloop serve: stopped ({server.Metrics.EventsAccepted} events accepted, {server.Metrics.EventsRejected} rejected)");
            return CliHost.Success;
        });
        return command;
    }
}
