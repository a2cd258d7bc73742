using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// The durability promise at process level: the real <c>closedloop serve</c> (the built CLI, a child process) is
/// killed with SIGKILL while several clients send batches, twice, then restarted and stopped with SIGTERM. Every
/// acknowledged event must be in the lake exactly once.
/// </summary>
public sealed partial class ProcessCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static string CliDll =>
        Path.GetFullPath(typeof(ProcessCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!);

    [GeneratedRegex(@"listening on (http://[^,\s]+)")]
    private static partial Regex Listening();

    /// <summary>A running <c>closedloop serve</c> and the address it printed.</summary>
    private sealed class ServeProcess(Process process, string address, Task<string> log)
    {
        public Process Process { get; } = process;
        public string Address { get; } = address;
        public Task<string> Log { get; } = log;
    }

    private async Task<ServeProcess> StartServeAsync()
    {
        Assert.True(File.Exists(CliDll), $"the CLI is not built at {CliDll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _harness.Root,
        };
        foreach (var arg in new[] { CliDll, "serve", "--lake", _harness.Layout.Root, "--urls", "http://127.0.0.1:0", "--write-key", ServiceHarness.WriteKey })
            start.ArgumentList.Add(arg);
        // Flush often, so kills also land while segments are being written to Parquet.
        start.Environment["ClosedLoop__FlushInterval"] = "00:00:00.200";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start)!;
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new ConcurrentQueue<string>();
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Enqueue(line);
                if (Listening().Match(line) is { Success: true } m)
                    address.TrySetResult(m.Groups[1].Value);
            }
            address.TrySetException(new InvalidOperationException("closedloop serve exited before listening"));
        });
        var stderr = process.StandardError.ReadToEndAsync();
        var log = Task.Run(async () =>
        {
            await stdout;
            return string.Join('\n', lines) + "\n" + await stderr;
        });
        try
        {
            return new ServeProcess(process, await address.Task.WaitAsync(TimeSpan.FromSeconds(60)), log);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            Assert.Fail($"closedloop serve did not start: {ex.Message}\n{await log}");
            throw;
        }
    }

    /// <summary>Clients send batches of new ids until the server dies; ids are recorded only when answered 200.</summary>
    private static Task[] SendUntilDead(string address, int round, ConcurrentBag<string> acknowledged, CancellationToken stop) =>
        [.. Enumerable.Range(0, 6).Select(c => Task.Run(async () =>
        {
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("test-key:"u8.ToArray()));
            for (var b = 0; !stop.IsCancellationRequested; b++)
            {
                var ids = Enumerable.Range(0, 10).Select(e => $"k{round}-c{c}-b{b}-e{e}").ToArray();
                try
                {
                    using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch([.. ids.Select(id => ServiceHarness.Track(id, $"anon-{c}"))])), stop);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        foreach (var id in ids)
                            acknowledged.Add(id);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    return; // the server is gone (killed): this request was not acknowledged
                }
            }
        }))];

    [Fact]
    public async Task Killing_serve_mid_stream_twice_loses_and_duplicates_no_acknowledged_event()
    {
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < 2; round++)
        {
            var serve = await StartServeAsync();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var clients = SendUntilDead(serve.Address, round, acknowledged, stop.Token);
            var target = acknowledged.Count + 1500;
            while (acknowledged.Count < target && !stop.IsCancellationRequested)
                await Task.Delay(20);
            serve.Process.Kill(); // SIGKILL, mid-stream: the clients are still sending
            await serve.Process.WaitForExitAsync();
            await Task.WhenAll(clients);
            output.WriteLine($"round {round}: killed with {acknowledged.Count} events acknowledged so far");
            serve.Process.Dispose();
        }

        // Restart on the same lake (start replays the log), then a graceful stop with SIGTERM.
        var last = await StartServeAsync();
        using (var client = new HttpClient { BaseAddress = new Uri(last.Address) })
        {
            client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("test-key:"u8.ToArray()));
            using var response = await client.PostAsync("/v1/batch", ServiceHarness.Json(ServiceHarness.Batch(ServiceHarness.Track("final-1"))));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            acknowledged.Add("final-1");
        }
        using (var term = Process.Start("kill", ["-TERM", last.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await last.Process.WaitForExitAsync(timeout.Token);
        var log = await last.Log;
        Assert.True(last.Process.ExitCode == 0, $"exit code {last.Process.ExitCode}:\n{log}");
        Assert.Contains("stopped", log, StringComparison.Ordinal);
        last.Process.Dispose();

        var expected = acknowledged.Distinct().ToHashSet(StringComparer.Ordinal);
        Assert.True(expected.Count > 3000, $"only {expected.Count} events were acknowledged");
        var stored = ServiceHarness.Query($"select event_id, count(*) from read_parquet('{_harness.EventsGlob}', hive_partitioning = true) group by event_id")
            .ToDictionary(r => r[0]!, r => long.Parse(r[1]!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var missing = expected.Where(id => !stored.ContainsKey(id)).ToList();
        var duplicated = stored.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events missing, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} events stored twice, e.g. {string.Join(", ", duplicated.Take(5))}");
        // Events the server took but could not answer before it died may be stored too (once); nothing else is.
        Assert.All(stored.Keys, id => Assert.Matches(@"^(k[01]-c\d-b\d+-e\d|final-1)$", id));
        Assert.Empty(Directory.GetFiles(_harness.WalDirectory));
        output.WriteLine($"{expected.Count} acknowledged, {stored.Count} stored");
    }
}
