using System.Text;
using BenchmarkDotNet.Attributes;
using ClosedLoop.Core.Parsing;

namespace ClosedLoop.Benchmarks;

/// <summary>JSON event parsing on the load hot path, over the committed generated sample (flat, Segment and batch lines).</summary>
[MemoryDiagnoser]
public class ParsingBenchmarks
{
    private readonly List<ParsedEvent> _output = [];
    private byte[][] _lines = [];

    [GlobalSetup]
    public void Setup()
    {
        var sample = Path.Combine(FindRepositoryRoot(), "data-samples", "small", "events.ndjson");
        _lines = [.. File.ReadLines(sample).Where(l => l.Length > 0).Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Parses every line of the sample once; divide by the line count (2000) for the cost per line.</summary>
    [Benchmark]
    public int ParseSample()
    {
        var events = 0;
        foreach (var line in _lines)
        {
            _output.Clear();
            EventJsonParser.Parse(line, _output);
            events += _output.Count;
        }
        return events;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClosedLoop.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
