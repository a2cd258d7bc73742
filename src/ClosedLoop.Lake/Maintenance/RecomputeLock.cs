namespace ClosedLoop.Lake.Maintenance;

/// <summary>
/// One recompute (or erasure) at a time per lake: an exclusive lock on <c>lake/_recompute.lock</c>. .NET takes
/// FileShare.None as an OS lock (flock on Linux), so a killed run releases it with its process, and the next run
/// does not wait on a stale lock file.
/// </summary>
public sealed class RecomputeLock : IDisposable
{
    private readonly FileStream _file;

    private RecomputeLock(FileStream file) => _file = file;

    public static string PathOf(LakeLayout lake) => Path.Combine(lake.Root, "_recompute.lock");

    /// <summary>Takes the lock or throws <see cref="LakeBusyException"/> when another run holds it.</summary>
    public static RecomputeLock Acquire(LakeLayout lake)
    {
        ArgumentNullException.ThrowIfNull(lake);
        Directory.CreateDirectory(lake.Root);
        var path = PathOf(lake);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true))
                writer.Write($"pid {Environment.ProcessId} since {DateTime.UtcNow:O}\n");
            file.Flush();
            return new RecomputeLock(file);
        }
        catch (IOException ex)
        {
            string holder;
            try
            {
                using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                holder = new StreamReader(reader).ReadToEnd().Trim();
            }
            catch (IOException)
            {
                holder = "another process";
            }
            throw new LakeBusyException($"another recompute or erasure is running on {lake.Root} ({holder}); this run did nothing", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>The lake is locked by another run; schedulers see a distinct exit code (3) and can retry later.</summary>
public sealed class LakeBusyException(string message, Exception? inner = null) : Exception(message, inner);
