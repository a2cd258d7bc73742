using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClosedLoop.LoadGenerator;

/// <summary>
/// C workers on one HttpClient (SocketsHttpHandler, MaxConnectionsPerServer = C), each posting batch bodies in a
/// loop. Closed loop by default (a worker sends its next request when the previous one is answered); with a rate,
/// open loop: request i is due at start + i / rate and its latency counts from when it was due, so a slow server
/// cannot hide its queueing by slowing the client down (no coordinated omission).
/// A warmup runs first on the same connections; its requests count for <c>acknowledged_total</c> (what the lake
/// must hold) but not for the figures.
/// </summary>
internal static class LoadGen
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<int> RunAsync(LoadGenOptions o)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var now = DateTime.UtcNow;
        var templates = Enumerable.Range(0, o.Templates).Select(i => BatchTemplate.Build(o.Batch, i, runId, now)).ToArray();
        var maxBody = templates.Max(t => t.Body.Length);

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(o.WriteKey + ":")));

        var run = new RunState
        {
            Start = Stopwatch.GetTimestamp(),
            Interval = o.Rate is { } rate ? Stopwatch.Frequency * o.Batch / rate : 0,
        };
        run.MeasureFrom = run.Start + (long)(o.Warmup.TotalSeconds * Stopwatch.Frequency);
        run.End = run.MeasureFrom + (long)(o.Duration.TotalSeconds * Stopwatch.Frequency);

        var workers = Enumerable.Range(0, o.Connections).Select(i => new Worker(i, new byte[maxBody])).ToArray();
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(o, run, client, auth, templates)))).ConfigureAwait(false);

        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        var sentLatencies = workers.SelectMany(w => w.SentLatencies).ToArray();
        Array.Sort(latencies);
        Array.Sort(sentLatencies);
        var lastDone = workers.Max(w => w.LastDone);
        // Requests due before the end are all counted, so the window runs until the last of them was answered.
        var seconds = (Math.Max(lastDone, run.End) - run.MeasureFrom) / (double)Stopwatch.Frequency;
        var requests = workers.Sum(w => w.Requests);
        var events = workers.Sum(w => w.AcceptedEvents);
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var w in workers)
        {
            foreach (var (status, count) in w.Statuses)
                statuses[status] = statuses.GetValueOrDefault(status) + count;
        }
        double Ms(long[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;

        var result = new Result
        {
            Url = o.Url.ToString(),
            Mode = o.Rate is null ? "closed" : "open",
            Connections = o.Connections,
            Batch = o.Batch,
            BodyBytes = (long)templates.Average(t => t.Body.Length),
            DurationS = Math.Round(seconds, 3),
            TargetEventsPerS = o.Rate,
            Requests = requests,
            RequestsPerS = Math.Round(requests / seconds, 1),
            EventsPerS = Math.Round(events / seconds, 0),
            P50Ms = Math.Round(Ms(latencies, 0.50), 2),
            P90Ms = Math.Round(Ms(latencies, 0.90), 2),
            P99Ms = Math.Round(Ms(latencies, 0.99), 2),
            MaxMs = Math.Round(Ms(latencies, 1.0), 2),
            P99FromSendMs = Math.Round(Ms(sentLatencies, 0.99), 2),
            Non200 = workers.Sum(w => w.Non200),
            Errors = workers.Sum(w => w.Errors),
            Statuses = statuses,
            AcknowledgedTotal = workers.Sum(w => w.AcknowledgedTotal),
        };
        Console.WriteLine(JsonSerializer.Serialize(result, s_json));
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(ci,
            "load-gen: {0:N0} events/s ({1:N0} req/s) {2}; latency p50 {3:0.0} ms, p90 {4:0.0} ms, p99 {5:0.0} ms, max {6:0.0} ms; non-200 {7:N0} (errors {8:N0}); {9} connections, batch {10}, {11:0.0} s measured after {12:0.#} s warmup; {13:N0} events acknowledged in all",
            result.EventsPerS, result.RequestsPerS, o.Rate is { } r ? string.Format(ci, "at an offered {0:N0} events/s", r) : "closed loop",
            result.P50Ms, result.P90Ms, result.P99Ms, result.MaxMs, result.Non200, result.Errors, o.Connections, o.Batch, seconds,
            o.Warmup.TotalSeconds, result.AcknowledgedTotal));
        return result.Requests > 0 && result.Non200 == 0 ? 0 : 1;
    }

    private sealed class RunState
    {
        public long Start { get; init; }
        public long MeasureFrom { get; set; }
        public long End { get; set; }

        /// <summary>Stopwatch ticks between requests in open loop; 0 = closed loop.</summary>
        public double Interval { get; init; }

        public long NextRequest;
        public long NextId;
    }

    private sealed class Worker(int index, byte[] buffer)
    {
        public List<long> Latencies { get; } = new(8192);
        public List<long> SentLatencies { get; } = new(8192);
        public Dictionary<string, long> Statuses { get; } = [];
        public long Requests { get; private set; }
        public long AcceptedEvents { get; private set; }
        public long AcknowledgedTotal { get; private set; }
        public long Non200 { get; private set; }
        public long Errors { get; private set; }
        public long LastDone { get; private set; }

        public async Task RunAsync(LoadGenOptions o, RunState run, HttpClient client, AuthenticationHeaderValue auth, BatchTemplate[] templates)
        {
            var turn = index;
            while (true)
            {
                long due;
                if (run.Interval > 0)
                {
                    var i = Interlocked.Increment(ref run.NextRequest) - 1;
                    due = run.Start + (long)(i * run.Interval);
                    if (due >= run.End)
                        return;
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds))).ConfigureAwait(false);
                }
                else
                {
                    due = Stopwatch.GetTimestamp();
                    if (due >= run.End)
                        return;
                }

                var template = templates[turn++ % templates.Length];
                var firstId = (ulong)(Interlocked.Add(ref run.NextId, o.Batch) - o.Batch);
                var length = template.Fill(buffer, firstId);
                var sent = Stopwatch.GetTimestamp();
                int status;
                var accepted = 0;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, o.Url)
                    {
                        Version = HttpVersion.Version11,
                        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                        Content = new ByteArrayContent(buffer, 0, length),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Authorization = auth;
                    using var response = await client.SendAsync(request).ConfigureAwait(false);
                    var answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    status = (int)response.StatusCode;
                    if (status == 200)
                        accepted = Accepted(answer, o.Batch);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = 0;
                }
                var done = Stopwatch.GetTimestamp();

                AcknowledgedTotal += accepted;
                if (due >= run.MeasureFrom)
                {
                    Requests++;
                    AcceptedEvents += accepted;
                    Latencies.Add(done - due);
                    SentLatencies.Add(done - sent);
                    LastDone = Math.Max(LastDone, done);
                    var key = status == 0 ? "error" : status.ToString(CultureInfo.InvariantCulture);
                    Statuses[key] = Statuses.GetValueOrDefault(key) + 1;
                    if (status != 200)
                        Non200++;
                    if (status == 0)
                        Errors++;
                }
                // Back off a little on 503 (the service's backlog bound) and errors, so the client does not spin.
                if (status is 0 or 503 && run.Interval == 0)
                    await Task.Delay(50).ConfigureAwait(false);
            }
        }

        /// <summary>The <c>accepted</c> count of a 200 answer (the batch size when it cannot be read).</summary>
        private static int Accepted(ReadOnlySpan<byte> answer, int batch)
        {
            var at = answer.IndexOf("\"accepted\":"u8);
            if (at < 0)
                return batch;
            var digits = answer[(at + 11)..].TrimStart(" "u8);
            return Utf8Parser.TryParse(digits, out int n, out _) ? n : batch;
        }
    }

    private sealed class Result
    {
        public required string Url { get; init; }
        public required string Mode { get; init; }
        public int Connections { get; init; }
        public int Batch { get; init; }
        public long BodyBytes { get; init; }
        public double DurationS { get; init; }
        public double? TargetEventsPerS { get; init; }
        public long Requests { get; init; }
        public double RequestsPerS { get; init; }
        public double EventsPerS { get; init; }
        public double P50Ms { get; init; }
        public double P90Ms { get; init; }
        public double P99Ms { get; init; }
        public double MaxMs { get; init; }
        public double P99FromSendMs { get; init; }
        public long Non200 { get; init; }
        public long Errors { get; init; }
        public required SortedDictionary<string, long> Statuses { get; init; }
        public long AcknowledgedTotal { get; init; }
    }
}
