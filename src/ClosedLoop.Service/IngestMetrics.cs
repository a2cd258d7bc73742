using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ClosedLoop.Service;

/// <summary>
/// Counters and gauges of the ingest service, rendered in the Prometheus text format at <c>GET /metrics</c>.
/// Plain interlocked counters: a scrape every few seconds needs nothing heavier.
/// </summary>
public sealed class IngestMetrics
{
    private readonly ConcurrentDictionary<(string Endpoint, int Status), long> _requests = new();
    private readonly ConcurrentDictionary<(string Kind, string Outcome), long> _crmRows = new();
    private readonly TimeProvider _time;
    private long _eventsAccepted;
    private long _eventsRejected;
    private long _walBytes;
    private long _parquetFiles;
    private long _oldestUnflushedTicks;
    private long _flushingSinceTicks;

    public IngestMetrics(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public long EventsAccepted => Interlocked.Read(ref _eventsAccepted);
    public long EventsRejected => Interlocked.Read(ref _eventsRejected);
    public long WalBytes => Interlocked.Read(ref _walBytes);
    public long ParquetFilesWritten => Interlocked.Read(ref _parquetFiles);

    public void Request(string endpoint, int status) => _requests.AddOrUpdate((endpoint, status), 1, (_, n) => n + 1);

    public void Accepted(int events)
    {
        Interlocked.Add(ref _eventsAccepted, events);
        // The first acknowledged event since the last seal starts the flush-lag clock.
        Interlocked.CompareExchange(ref _oldestUnflushedTicks, _time.GetUtcNow().UtcTicks, 0);
    }

    public void CrmRows(string kind, long loaded, long rejected)
    {
        _crmRows.AddOrUpdate((kind, "loaded"), loaded, (_, n) => n + loaded);
        _crmRows.AddOrUpdate((kind, "rejected"), rejected, (_, n) => n + rejected);
    }

    public void Rejected(int events) => Interlocked.Add(ref _eventsRejected, events);

    public void WalAppended(long bytes) => Interlocked.Add(ref _walBytes, bytes);

    /// <summary>The log as found on disk at start (segments left by an earlier run).</summary>
    public void WalFound(long bytes) => Interlocked.Exchange(ref _walBytes, bytes);

    /// <summary>A flush starts: what was pending is now being written.</summary>
    public void FlushStarted()
    {
        var oldest = Interlocked.Exchange(ref _oldestUnflushedTicks, 0);
        if (oldest != 0)
            Interlocked.CompareExchange(ref _flushingSinceTicks, oldest, 0);
    }

    /// <summary>A flush published its files and deleted its segments.</summary>
    public void FlushCompleted(int files, long walBytesDeleted)
    {
        Interlocked.Add(ref _parquetFiles, files);
        Interlocked.Add(ref _walBytes, -walBytesDeleted);
        Interlocked.Exchange(ref _flushingSinceTicks, 0);
    }

    /// <summary>Seconds since the oldest acknowledged event that is not in Parquet yet was received; 0 when none.</summary>
    public double FlushLagSeconds()
    {
        var a = Interlocked.Read(ref _oldestUnflushedTicks);
        var b = Interlocked.Read(ref _flushingSinceTicks);
        var oldest = a == 0 ? b : b == 0 ? a : Math.Min(a, b);
        return oldest == 0 ? 0 : Math.Max(0, (_time.GetUtcNow().UtcTicks - oldest) / (double)TimeSpan.TicksPerSecond);
    }

    /// <summary>The Prometheus text exposition (version 0.0.4).</summary>
    public string Render()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("# HELP closedloop_http_requests_total HTTP requests by endpoint and status code.");
        text.AppendLine("# TYPE closedloop_http_requests_total counter");
        foreach (var ((endpoint, status), count) in _requests.OrderBy(r => r.Key.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
            text.AppendLine(c, $"closedloop_http_requests_total{{endpoint=\"{Escape(endpoint)}\",status=\"{status}\"}} {count}");
        Metric(text, "closedloop_events_accepted_total", "counter", "Events acknowledged (durable in the write-ahead log).", EventsAccepted);
        Metric(text, "closedloop_events_rejected_total", "counter", "Events rejected and kept in the rejects table.", EventsRejected);
        Metric(text, "closedloop_wal_bytes", "gauge", "Bytes of write-ahead log not yet turned into Parquet.", WalBytes);
        text.AppendLine("# HELP closedloop_flush_lag_seconds Age of the oldest acknowledged event not yet in Parquet.");
        text.AppendLine("# TYPE closedloop_flush_lag_seconds gauge");
        text.AppendLine(c, $"closedloop_flush_lag_seconds {FlushLagSeconds():0.###}");
        Metric(text, "closedloop_parquet_files_written_total", "counter", "Event Parquet files published into the lake.", ParquetFilesWritten);
        text.AppendLine("# HELP closedloop_crm_rows_total CRM rows received over HTTP by table and outcome.");
        text.AppendLine("# TYPE closedloop_crm_rows_total counter");
        foreach (var ((kind, outcome), count) in _crmRows.OrderBy(r => r.Key.Kind, StringComparer.Ordinal).ThenBy(r => r.Key.Outcome, StringComparer.Ordinal))
            text.AppendLine(c, $"closedloop_crm_rows_total{{table=\"{kind}\",outcome=\"{outcome}\"}} {count}");
        return text.ToString();
    }

    private static void Metric(StringBuilder text, string name, string type, string help, long value)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"# HELP {name} {help}");
        text.AppendLine(CultureInfo.InvariantCulture, $"# TYPE {name} {type}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{name} {value}");
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
