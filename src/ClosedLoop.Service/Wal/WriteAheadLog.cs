using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;

namespace ClosedLoop.Service.Wal;

/// <summary>
/// Append-only segment files under <c>lake/_wal/</c>. Each record is a 4-byte little-endian length, the
/// XxHash32 of the payload, then the payload; a torn tail left by a crash fails its length or checksum and
/// ends the segment there (such a record was never acknowledged, because its fsync had not returned).
/// Only the <see cref="GroupCommitter"/> loop appends, syncs and seals, so the active segment needs no lock.
/// </summary>
public sealed class WriteAheadLog : IDisposable
{
    /// <summary>Bytes a record takes on disk besides its payload.</summary>
    public const int RecordOverhead = 8;

    private const string Prefix = "wal-";
    private const string Extension = ".log";
    private readonly long _maxSegmentBytes;
    private FileStream? _active;
    private long _nextSequence;

    public WriteAheadLog(string directory, long maxSegmentBytes)
    {
        Directory = directory;
        _maxSegmentBytes = maxSegmentBytes;
        System.IO.Directory.CreateDirectory(directory);
        var existing = Segments();
        _nextSequence = existing.Count == 0 ? 1 : existing[^1].Sequence + 1;
    }

    public string Directory { get; }

    /// <summary>The segment files present, oldest first.</summary>
    public IReadOnlyList<WalSegment> Segments()
    {
        var segments = new List<WalSegment>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                segments.Add(new WalSegment(sequence, path));
        }
        segments.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return segments;
    }

    /// <summary>Sum of the sizes of all segment files: the log not yet turned into Parquet.</summary>
    public long TotalBytes() => Segments().Sum(s => new FileInfo(s.Path).Length);

    /// <summary>Writes one record into the active segment (buffered; durable only after <see cref="Sync"/>).</summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        if (_active is not null && _active.Length >= _maxSegmentBytes)
            Seal();
        _active ??= OpenNext();
        Span<byte> header = stackalloc byte[RecordOverhead];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], XxHash32.HashToUInt32(payload));
        _active.Write(header);
        _active.Write(payload);
    }

    /// <summary>Writes the buffered records and fsyncs the active segment.</summary>
    public void Sync() => _active?.Flush(flushToDisk: true);

    /// <summary>
    /// Syncs and closes the active segment so the flusher may read it. Returns the highest sequence that is
    /// sealed now: every segment up to it is complete and no longer written.
    /// </summary>
    public long Seal()
    {
        if (_active is not null)
        {
            _active.Flush(flushToDisk: true);
            _active.Dispose();
            _active = null;
        }
        return _nextSequence - 1;
    }

    /// <summary>
    /// Reads the records of one segment, stopping at the first torn or corrupt record (the tail of a crash).
    /// </summary>
    public static IEnumerable<byte[]> ReadRecords(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var header = new byte[RecordOverhead];
        while (true)
        {
            if (stream.ReadAtLeast(header, RecordOverhead, throwOnEndOfStream: false) < RecordOverhead)
                yield break;
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length < 0 || length > stream.Length - stream.Position)
                yield break;
            var payload = new byte[length];
            stream.ReadExactly(payload);
            if (XxHash32.HashToUInt32(payload) != checksum)
                yield break;
            yield return payload;
        }
    }

    public void Dispose()
    {
        _active?.Dispose();
        _active = null;
    }

    private FileStream OpenNext()
    {
        var sequence = _nextSequence++;
        var path = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{sequence:D12}{Extension}"));
        return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
    }
}

/// <summary>One segment file of the log and its sequence number (its order).</summary>
public readonly record struct WalSegment(long Sequence, string Path);
