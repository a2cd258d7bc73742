using System.Globalization;

namespace ClosedLoop.LoadGenerator;

internal sealed class LoadGenOptions
{
    public required Uri Url { get; init; }
    public required string WriteKey { get; init; }
    public int Connections { get; init; } = 16;
    public int Batch { get; init; } = 100;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Open loop: events per second to send (requests of <see cref="Batch"/> events on a fixed schedule); null = as fast as answered.</summary>
    public double? Rate { get; init; }

    /// <summary>Different batch bodies to rotate through (ids are unique per request whatever this is).</summary>
    public int Templates { get; init; } = 32;

    public static LoadGenOptions Parse(string[] args)
    {
        string? url = null, key = null;
        int connections = 16, batch = 100, templates = 32;
        TimeSpan duration = TimeSpan.FromSeconds(20), warmup = TimeSpan.FromSeconds(3);
        double? rate = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--write-key": key = Value(); break;
                case "--connections": connections = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--duration": duration = ParseDuration(Value()); break;
                case "--warmup": warmup = ParseDuration(Value()); break;
                case "--rate": rate = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--templates": templates = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || url is not null)
                        throw new ArgumentException($"load-gen: unknown argument '{args[i]}'");
                    url = args[i];
                    break;
            }
        }
        if (url is null)
            throw new ArgumentException("load-gen: give the URL to post to (e.g. http://127.0.0.1:8080/v1/batch)");
        if (key is null)
            throw new ArgumentException("load-gen: --write-key is required");
        if (connections < 1 || batch < 1 || templates < 1 || duration <= TimeSpan.Zero || warmup < TimeSpan.Zero || rate <= 0)
            throw new ArgumentException("load-gen: --connections, --batch, --templates, --duration and --rate must be positive");
        var uri = new Uri(url);
        // A bare server URL means the batch endpoint.
        if (uri.AbsolutePath is "/" or "")
            uri = new Uri(uri, "/v1/batch");
        return new LoadGenOptions
        {
            Url = uri, WriteKey = key, Connections = connections, Batch = batch, Duration = duration, Warmup = warmup,
            Rate = rate, Templates = templates,
        };
    }

    /// <summary>20s, 500ms, 2m, or plain seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        if (text.EndsWith("ms", StringComparison.Ordinal))
            return TimeSpan.FromMilliseconds(Number(text[..^2]));
        if (text.EndsWith('s'))
            return TimeSpan.FromSeconds(Number(text[..^1]));
        if (text.EndsWith('m'))
            return TimeSpan.FromMinutes(Number(text[..^1]));
        return TimeSpan.FromSeconds(Number(text));
    }
}
