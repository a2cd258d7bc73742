using System.IO.Compression;
using ClosedLoop.Core;

namespace ClosedLoop.Lake.Loading;

/// <summary>Opens loader inputs: a path, <c>-</c> for stdin, gzip detected by its magic bytes.</summary>
public static class InputFiles
{
    /// <summary>The name that stands for standard input.</summary>
    public const string StdIn = "-";

    /// <summary>
    /// Opens <paramref name="path"/> for reading, decompressing gzip transparently (by magic bytes
    /// <c>1f 8b</c>, so a misnamed file still works). Throws <see cref="UserInputException"/> when the file does not exist.
    /// </summary>
    public static Stream OpenInput(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Stream raw;
        if (path == StdIn)
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

        var head = ReadHead(raw, 2);
        var stream = head.Length == 0 ? raw : new PrefixedStream(head, raw);
        return head.Length == 2 && head[0] == 0x1f && head[1] == 0x8b
            ? new GZipStream(stream, CompressionMode.Decompress)
            : stream;
    }

    /// <summary>
    /// Finds the first byte that is not whitespace (or a UTF-8 byte order mark) without consuming it:
    /// returns a stream that still yields every byte, and the byte, or null for an empty input.
    /// </summary>
    public static Stream PeekFirstNonSpace(Stream input, out byte? first)
    {
        ArgumentNullException.ThrowIfNull(input);
        var buffered = new List<byte>();
        var buffer = new byte[4096];
        first = null;
        // Bounded look-ahead: a file that starts with megabytes of blank lines is not worth scanning.
        while (buffered.Count < 1 << 20)
        {
            var n = input.Read(buffer, 0, buffer.Length);
            if (n == 0)
                break;
            var start = buffered.Count;
            buffered.AddRange(buffer.AsSpan(0, n));
            for (var i = start; i < buffered.Count; i++)
            {
                var b = buffered[i];
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
                    continue;
                first = b;
                return new PrefixedStream(buffered.ToArray(), input);
            }
        }
        return buffered.Count == 0 ? input : new PrefixedStream(buffered.ToArray(), input);
    }

    /// <summary>The file's size on disk, for progress; 0 for stdin.</summary>
    public static long KnownLength(string path) => path != StdIn && File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>The file name without a <c>.gz</c> suffix, lower-cased, for format detection by extension.</summary>
    public static string ExtensionWithoutGzip(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant();
    }

    private static byte[] ReadHead(Stream stream, int count)
    {
        var head = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = stream.Read(head, read, count - read);
            if (n == 0)
                break;
            read += n;
        }
        return read == count ? head : head[..read];
    }

    /// <summary>Replays bytes already read from a non-seekable stream (stdin) before the rest of it.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private readonly byte[] _prefix = prefix;
        private readonly Stream _inner = inner;
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < _prefix.Length)
            {
                var n = Math.Min(buffer.Length, _prefix.Length - _position);
                _prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return _inner.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < _prefix.Length)
                return Read(buffer.Span);
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
