using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace ClosedLoop.Lake.Loading;

/// <summary>
/// Splits a byte stream into lines with a <see cref="PipeReader"/> and hands them on in <see cref="LineBatch"/>es.
/// Memory stays bounded whatever the file size: the pipe holds at most one partial line and the channel a few batches.
/// </summary>
internal static class NdjsonFramer
{
    /// <summary>Lines longer than this are rejected without being buffered whole.</summary>
    public const int MaxLineBytes = 16 << 20;

    /// <summary>Reports a line that was too long: its line number and its first bytes.</summary>
    public delegate void OversizedLine(long lineNumber, string prefix);

    public static async Task FrameAsync(Stream input, string file, ChannelWriter<LineBatch> output, OversizedLine onOversized, CancellationToken ct)
    {
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 1 << 16, minimumReadSize: 1 << 15, leaveOpen: true));
        var batch = new LineBatch(file);
        long lineNumber = 0;
        var skippingOversized = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumedBefore = buffer.Length;

                while (TryReadLine(ref buffer, out var line))
                {
                    lineNumber++;
                    if (skippingOversized)
                    {
                        skippingOversized = false;
                        continue;
                    }
                    batch = await AddLineAsync(batch, line, lineNumber, output, ct).ConfigureAwait(false);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty && !skippingOversized)
                    {
                        lineNumber++;
                        batch = await AddLineAsync(batch, buffer, lineNumber, output, ct).ConfigureAwait(false);
                    }
                    batch.InputBytes += consumedBefore;
                    break;
                }

                if (buffer.Length > MaxLineBytes)
                {
                    // A line with no end in sight: report it once, then drop bytes until its newline.
                    if (!skippingOversized)
                        onOversized(lineNumber + 1, System.Text.Encoding.UTF8.GetString(buffer.Slice(0, 200).ToArray()));
                    skippingOversized = true;
                    buffer = buffer.Slice(buffer.End);
                }

                batch.InputBytes += consumedBefore - buffer.Length;
                reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (batch.Count > 0 || batch.InputBytes > 0)
                await output.WriteAsync(batch, ct).ConfigureAwait(false);
            else
                batch.Dispose();
        }
        catch
        {
            batch.Dispose();
            throw;
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async ValueTask<LineBatch> AddLineAsync(LineBatch batch, ReadOnlySequence<byte> line, long lineNumber, ChannelWriter<LineBatch> output, CancellationToken ct)
    {
        // Strip a Windows line ending; keep everything else for the parser to judge.
        if (line.Length > 0 && EndsWithCarriageReturn(line))
            line = line.Slice(0, line.Length - 1);
        if (!batch.HasRoomFor(line.Length) && batch.Count > 0)
        {
            var full = batch;
            batch = new LineBatch(full.File);
            await output.WriteAsync(full, ct).ConfigureAwait(false);
        }
        batch.Add(line, lineNumber);
        return batch;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        // Fast path: the newline is in the first segment (Kestrel's HttpParser does the same).
        var first = buffer.FirstSpan;
        var index = first.IndexOf((byte)'\n');
        if (index >= 0)
        {
            line = buffer.Slice(0, index);
            buffer = buffer.Slice(index + 1);
            return true;
        }
        if (buffer.IsSingleSegment)
        {
            line = default;
            return false;
        }
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }
}
