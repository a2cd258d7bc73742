using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClosedLoop.LoadGenerator;

/// <summary>
/// The baseline of the ingest benchmark: the same host setup as <c>closedloop serve</c> (minimal API on Kestrel,
/// same logging, same runtime settings) with a <c>POST /v1/batch</c> that reads the whole body through the
/// request's PipeReader, discards it and answers <c>{"accepted":100}</c>. Nothing else: no auth, no parsing, no log.
/// </summary>
internal static class BareKestrel
{
    private static readonly byte[] s_answer = """{"accepted":100}"""u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        var urls = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--urls" && i + 1 < args.Length)
                urls.Add(args[++i]);
            else
                throw new ArgumentException($"bare-kestrel: unknown argument '{args[i]}'");
        }
        if (urls.Count == 0)
            urls.Add("http://127.0.0.1:8081");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.UseUrls([.. urls]);
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapPost("/v1/batch", async (HttpContext context) =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                    break;
            }
            return Results.Bytes(s_answer, "application/json");
        });
        Console.WriteLine($"bare-kestrel: listening on {string.Join(", ", urls)} (Ctrl-C or SIGTERM stops)");
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
