using System.Diagnostics;

namespace ClosedLoop.Cli;

/// <summary>
/// Shows progress of long work on stderr: a redrawn bar on a terminal, a plain log line every few seconds otherwise
/// (so cron and CI logs stay readable).
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private static readonly TimeSpan s_terminalInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_logInterval = TimeSpan.FromSeconds(5);

    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = -TimeSpan.FromDays(1);
    private bool _drawn;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> bytes (total 0 = unknown) and a count of items.</summary>
    public void Report(string label, long done, long total, long items, string itemName)
    {
        var now = _clock.Elapsed;
        if (now - _last < (_terminal ? s_terminalInterval : s_logInterval))
            return;
        _last = now;
        var rate = now.TotalSeconds > 0 ? items / now.TotalSeconds : 0;
        var fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : -1;
        if (_terminal)
        {
            const int width = 30;
            var bar = fraction >= 0 ? new string('#', (int)(fraction * width)).PadRight(width, '.') : new string('?', width);
            var percent = fraction >= 0 ? $"{fraction * 100,5:F1}%" : "   ?  ";
            Console.Error.Write($"\r{Trim(label)} [{bar}] {percent} {items:N0} {itemName} {rate:N0}/s   ");
            _drawn = true;
        }
        else
        {
            var percent = fraction >= 0 ? $" {fraction * 100:F1}%" : string.Empty;
            Console.Error.WriteLine($"progress: {label}{percent} {items} {itemName} {rate:F0}/s elapsed={now.TotalSeconds:F1}s");
        }
    }

    /// <summary>A sink for an event load's progress.</summary>
    public IProgress<Lake.Loading.LoadProgress> ForLoad() =>
        new SyncProgress<Lake.Loading.LoadProgress>(p => Report(p.File, p.BytesDone, p.BytesTotal, p.Read, "events"));

    /// <summary>Erases the bar so the summary that follows starts on a clean line; safe to call twice.</summary>
    public void Dispose()
    {
        if (_drawn)
            Console.Error.Write("\r" + new string(' ', Math.Max(0, Console.BufferWidth - 1)) + "\r");
        _drawn = false;
    }

    private static string Trim(string label) => label.Length <= 30 ? label : "..." + label[^27..];
}

/// <summary>Calls back on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
