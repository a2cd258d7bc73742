using System.IO.Compression;
using ClosedLoop.Core;

namespace ClosedLoop.Lake.Loading;

/// <summary>Opens load inputs: files, <c>-</c> for stdin, gzip detected by its magic bytes.</summary>
public static class InputStreams
{
    public const string Stdin = "-";

    public static Stream Open(string path)
    {
        Stream raw;
        if (path == Stdin)
        {
            raw = Console.OpenStandardInput();
        }
        else
        {
            if (Directory.Exists(path))
                throw new UserInputException($"'{path}' is a directory; name the files to load (for example {Path.Combine(path, "*.ndjson")})");
            if (!File.Exists(path))
                throw new UserInputException($"file '{path}' not found");
            raw = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        var buffered = new BufferedStream(raw, 1 << 16);
        return IsGzip(buffered) ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
    }

    /// <summary>The file's size on disk, for progress; 0 for stdin.</summary>
    public static long KnownLength(string path) => path != Stdin && File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>A <c>.json</c> file (not <c>.ndjson</c>/<c>.jsonl</c>) holds one JSON document rather than a line per event.</summary>
    public static bool IsJsonDocument(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsGzip(BufferedStream stream)
    {
        // Peek two bytes without consuming them: BufferedStream lets us seek back within its buffer only when the
        // underlying stream is seekable, so read into the buffer and rewind via a wrapper when it is not.
        if (stream.CanSeek)
        {
            Span<byte> magic = stackalloc byte[2];
            var n = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            stream.Seek(-n, SeekOrigin.Current);
            return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        }
        return false;
    }
}
