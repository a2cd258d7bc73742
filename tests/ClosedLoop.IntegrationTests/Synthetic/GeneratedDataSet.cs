using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClosedLoop.Cli;
using ClosedLoop.Cli.Commands;

namespace ClosedLoop.IntegrationTests.Synthetic;

/// <summary>A data set written by the real <c>closedloop generate</c> command into a temp directory.</summary>
public sealed class GeneratedDataSet : IDisposable
{
    internal GeneratedDataSet(long events, long seed)
    {
        Directory = Path.Combine(Path.GetTempPath(), "closedloop-gen-" + Guid.NewGuid().ToString("N"));
        ExitCode = Run("generate", "--out", Directory, "--events", events.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A default fixture: big enough for every kind of noise to appear.</summary>
    public GeneratedDataSet()
        : this(30_000, 11)
    {
    }

    public string Directory { get; }
    public int ExitCode { get; }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public JsonElement Summary
    {
        get
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("truth/summary.json")));
            return doc.RootElement.Clone();
        }
    }

    public static int Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(GenerateCommand.Create());
        return CliHost.RunAsync(root, args).GetAwaiter().GetResult();
    }

    /// <summary>Rows of a CSV file as name->value maps (RFC 4180 quotes; no newlines inside fields here).</summary>
    public List<Dictionary<string, string>> ReadCsv(string relative)
    {
        var lines = File.ReadAllLines(PathOf(relative), Encoding.UTF8);
        var header = SplitCsv(lines[0]);
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = SplitCsv(line);
            Assert.Equal(header.Count, fields.Count);
            rows.Add(header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }
        return rows;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
