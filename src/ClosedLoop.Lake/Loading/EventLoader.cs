using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using ClosedLoop.Core.Enrichment;
using ClosedLoop.Core.Events;
using ClosedLoop.Core.Parsing;
using ClosedLoop.Lake.Csv;
using ClosedLoop.Lake.Events;
using ClosedLoop.Lake.Rejects;

namespace ClosedLoop.Lake.Loading;

/// <summary>What a load did, as printed at its end.</summary>
public sealed record LoadSummary(long Read, long Loaded, long Duplicates, long Rejected, IReadOnlyList<string> FilesWritten);

/// <summary>Progress of a running load: input bytes consumed of the known total (0 when unknown, as for stdin).</summary>
public readonly record struct LoadProgress(string File, long BytesDone, long BytesTotal, long Read, long Rejected);

/// <summary>
/// Bulk-loads event files into the lake. Three stages joined by bounded channels: one framer splits the input
/// into line batches, parser workers turn lines into enriched events (or rejects), and one writer de-duplicates
/// and appends to day partitions. A bad row never stops the load; everything unusable goes to rejects.
/// </summary>
public sealed class EventLoader(LakeLayout lake, EventEnricher enricher)
{
    private const int RejectFlushThreshold = 10_000;
    private static readonly TimeSpan StaleStagingAge = TimeSpan.FromHours(24);

    /// <summary>Parser workers; the framer and the writer take little CPU between them.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public async Task<LoadSummary> LoadAsync(IReadOnlyList<string> inputs, IProgress<LoadProgress>? progress = null, CancellationToken cancellation = default)
    {
        // If the writer fails, the framer and parsers must not stay blocked on full channels.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            return await LoadCoreAsync(inputs, progress, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<LoadSummary> LoadCoreAsync(IReadOnlyList<string> inputs, IProgress<LoadProgress>? progress, CancellationToken ct)
    {
        var receivedAt = DateTime.UtcNow;
        // A killed load leaves its spill files behind (gigabytes for a large file); the next load clears them.
        ScratchDirectory.RemoveStale(lake, StaleStagingAge, receivedAt);
        await using var writer = new PartitionedEventWriter(lake);
        var rejects = new List<RejectRecord>();
        var rowBuffers = new ConcurrentBag<byte[]>();
        long read = 0, rejected = 0;

        foreach (var input in inputs)
        {
            await using var stream = InputFiles.OpenInput(input);
            var total = InputFiles.KnownLength(input);
            long done = 0;
            var lines = Channel.CreateBounded<LineBatch>(new BoundedChannelOptions(4) { SingleWriter = true });
            var processed = Channel.CreateBounded<ProcessedBatch>(new BoundedChannelOptions(4) { SingleReader = true });
            var oversized = new List<RejectRecord>();

            var framer = Task.Run(async () =>
            {
                try
                {
                    var extension = InputFiles.ExtensionWithoutGzip(input);
                    if (extension == ".json")
                        await FrameWholeDocumentAsync(stream, input, lines.Writer, ct).ConfigureAwait(false);
                    else if (extension is ".csv" or ".tsv")
                        await ReadCsvAsync(stream, input, receivedAt, processed.Writer, rowBuffers, ct).ConfigureAwait(false);
                    else
                        await NdjsonFramer.FrameAsync(stream, input, lines.Writer,
                            (line, prefix) => oversized.Add(new RejectRecord("events", input, line, null, prefix,
                                $"line is longer than {NdjsonFramer.MaxLineBytes >> 20} MiB")), ct).ConfigureAwait(false);
                    lines.Writer.Complete();
                }
                catch (Exception ex)
                {
                    lines.Writer.Complete(ex);
                }
            }, ct);

            var parsers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                var scratch = new List<ParsedEvent>();
                await foreach (var batch in lines.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    using (batch)
                        await processed.Writer.WriteAsync(Process(batch, receivedAt, scratch, rowBuffers), ct).ConfigureAwait(false);
                }
            }, ct)).ToArray();
            var parsersDone = Task.WhenAll(parsers).ContinueWith(t => processed.Writer.Complete(t.Exception?.InnerException), TaskScheduler.Default);

            await foreach (var batch in processed.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await writer.AddSpilledAsync(batch.Rows, ct).ConfigureAwait(false);
                batch.Recycle();
                rejects.AddRange(batch.Rejects);
                read += batch.Read;
                rejected += batch.Rejects.Count;
                done += batch.InputBytes;
                if (rejects.Count >= RejectFlushThreshold)
                {
                    await RejectsWriter.WriteAsync(lake, "events", rejects, ct).ConfigureAwait(false);
                    rejects.Clear();
                }
                progress?.Report(new LoadProgress(input, done, total, read, rejected));
            }
            await framer.ConfigureAwait(false);
            await parsersDone.ConfigureAwait(false);
            read += oversized.Count;
            rejected += oversized.Count;
            rejects.AddRange(oversized);
        }

        var files = await writer.CompleteAsync(ct).ConfigureAwait(false);
        await RejectsWriter.WriteAsync(lake, "events", rejects, ct).ConfigureAwait(false);
        return new LoadSummary(read, writer.Written, writer.Duplicates, rejected, files);
    }

    private ProcessedBatch Process(LineBatch batch, DateTime receivedAt, List<ParsedEvent> scratch, ConcurrentBag<byte[]> buffers)
    {
        var result = new ProcessedBatch(buffers) { InputBytes = batch.InputBytes };
        for (var i = 0; i < batch.Count; i++)
        {
            var line = batch.Line(i, out var lineNumber);
            if (line.Trim(" \t\r"u8).IsEmpty)
                continue;
            if (!System.Text.Unicode.Utf8.IsValid(line))
            {
                // Usually a file saved as Latin-1: storing mojibake in the lake would be worse than asking for a fix.
                result.Read++;
                result.Rejects.Add(Reject(batch.File, lineNumber, null, line, "not valid UTF-8 (re-encode the file as UTF-8)"));
                continue;
            }
            scratch.Clear();
            EventJsonParser.Parse(line, scratch, allowArray: batch.IsWholeDocument);
            // In a whole document, count newlines from the previous event on (events come in order): linear, not quadratic.
            long number = lineNumber;
            var counted = 0;
            foreach (var parsed in scratch)
            {
                result.Read++;
                var raw = line.Slice(parsed.Start, parsed.Length);
                if (batch.IsWholeDocument && parsed.Start > counted)
                {
                    number += CountNewlines(line[counted..parsed.Start]);
                    counted = parsed.Start;
                }
                if (parsed.Event is not { } ev)
                {
                    result.Rejects.Add(Reject(batch.File, number, parsed.BatchIndex, raw, parsed.Error!));
                    continue;
                }
                ev.EventId ??= EventKeys.DeriveId(raw);
                if (Admit(ev, receivedAt, result) is { } reason)
                    result.Rejects.Add(Reject(batch.File, number, parsed.BatchIndex, raw, reason));
            }
        }
        return result;
    }

    /// <summary>Enriches one event into the batch; returns why it cannot be used, or null when it was added.</summary>
    private string? Admit(RawEvent ev, DateTime receivedAt, ProcessedBatch batch)
    {
        var outcome = enricher.Enrich(ev, receivedAt);
        if (outcome.Event is not { } enriched)
            return outcome.RejectReason;
        batch.Add(enriched);
        return null;
    }

    /// <summary>
    /// CSV events (a header row with the flat field names) skip the line framer: the CSV reader handles quoting
    /// across the input, and each record becomes a <see cref="RawEvent"/> here. CSV is the rare bulk format, so one
    /// thread does it.
    /// </summary>
    private async Task ReadCsvAsync(Stream stream, string file, DateTime receivedAt, ChannelWriter<ProcessedBatch> output, ConcurrentBag<byte[]> buffers, CancellationToken ct)
    {
        using var csv = new CsvRecordReader(stream);
        var header = csv.Header;
        if (!header.TryGetIndex("timestamp", out _))
            throw new Core.UserInputException($"{file}: a CSV of events needs a 'timestamp' column (found: {string.Join(", ", header.Names)})");
        var batch = new ProcessedBatch(buffers);
        foreach (var record in csv.ReadRecords())
        {
            ct.ThrowIfCancellationRequested();
            batch.Read++;
            if (record.IsBad)
            {
                batch.Rejects.Add(new RejectRecord("events", file, record.Line, null, RejectRecord.Truncate(record.Raw), record.Error!));
            }
            else
            {
                var ev = FromCsv(record);
                ev.EventId ??= EventKeys.DeriveId(record.Raw);
                if (Admit(ev, receivedAt, batch) is { } reason)
                    batch.Rejects.Add(new RejectRecord("events", file, record.Line, null, RejectRecord.Truncate(record.Raw), reason));
            }
            if (batch.Read >= 4096)
            {
                await output.WriteAsync(batch, ct).ConfigureAwait(false);
                batch = new ProcessedBatch(buffers);
            }
        }
        batch.InputBytes = stream.CanSeek ? stream.Position : 0;
        await output.WriteAsync(batch, ct).ConfigureAwait(false);
    }

    private static RawEvent FromCsv(CsvRecord r)
    {
        static string? Value(CsvRecord r, string name) => r[name] is { Length: > 0 } v ? v : null;
        return new RawEvent
        {
            EventId = Value(r, "event_id"),
            Timestamp = Value(r, "timestamp"),
            SentAt = Value(r, "sent_at"),
            ReceivedAt = Value(r, "received_at"),
            AnonymousId = Value(r, "anonymous_id"),
            UserId = Value(r, "user_id"),
            Email = Value(r, "email"),
            PreviousId = Value(r, "previous_id"),
            Type = Value(r, "type"),
            EventName = Value(r, "event"),
            Url = Value(r, "url"),
            Referrer = Value(r, "referrer"),
            UserAgent = Value(r, "user_agent"),
            Ip = Value(r, "ip"),
            UtmSource = Value(r, "utm_source"),
            UtmMedium = Value(r, "utm_medium"),
            UtmCampaign = Value(r, "utm_campaign"),
            UtmTerm = Value(r, "utm_term"),
            UtmContent = Value(r, "utm_content"),
            Channel = Value(r, "channel"),
            Revenue = double.TryParse(Value(r, "revenue"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var revenue) ? revenue : null,
            Currency = Value(r, "currency"),
            PropertiesJson = Value(r, "properties"),
        };
    }

    private static RejectRecord Reject(string file, long line, int? index, ReadOnlySpan<byte> raw, string reason)
    {
        var text = Encoding.UTF8.GetString(raw.Length > RejectRecord.MaxRawLength ? raw[..RejectRecord.MaxRawLength] : raw);
        return new RejectRecord("events", file, line, index, text, reason);
    }

    private static int CountNewlines(ReadOnlySpan<byte> span) => span.Count((byte)'\n');

    /// <summary>A <c>.json</c> file is one JSON document (a Segment batch, an array or one event), possibly pretty-printed.</summary>
    private static async Task FrameWholeDocumentAsync(Stream stream, string file, ChannelWriter<LineBatch> output, CancellationToken ct)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct).ConfigureAwait(false);
        if (memory.Length > NdjsonFramer.MaxLineBytes * 32L)
            throw new Core.UserInputException($"{file}: a .json document over 512 MiB; send large data as NDJSON (one event per line) instead");
        var batch = new LineBatch(file, (int)memory.Length + 1) { IsWholeDocument = true, InputBytes = memory.Length };
        batch.Add(new System.Buffers.ReadOnlySequence<byte>(memory.GetBuffer(), 0, (int)memory.Length), 1);
        await output.WriteAsync(batch, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// What a parser worker made of a line batch: its events already in the spill format (so the single writer
    /// thread only routes bytes to day files) and its rejects.
    /// </summary>
    private sealed class ProcessedBatch
    {
        private readonly ConcurrentBag<byte[]> _buffers;
        private byte[] _rows;
        private int _length;

        /// <param name="buffers">
        /// Row buffers of the load: a batch's rows are about 2 MB, and the few in flight at a time are reused rather
        /// than left to the GC.
        /// </param>
        public ProcessedBatch(ConcurrentBag<byte[]> buffers)
        {
            _buffers = buffers;
            _rows = buffers.TryTake(out var reused) ? reused : new byte[64 << 10];
        }

        public List<RejectRecord> Rejects { get; } = [];
        public long Read { get; set; }
        public long InputBytes { get; set; }
        public ReadOnlyMemory<byte> Rows => _rows.AsMemory(0, _length);

        public void Add(EnrichedEvent e) => _length = SpilledEventRow.Write(e, ref _rows, _length);

        /// <summary>Gives the row buffer back once the writer has taken the rows.</summary>
        public void Recycle()
        {
            _buffers.Add(_rows);
            _rows = [];
            _length = 0;
        }
    }
}
