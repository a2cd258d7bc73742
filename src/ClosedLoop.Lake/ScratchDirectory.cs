namespace ClosedLoop.Lake;

/// <summary>Best-effort removal of directories nothing reads any more (staging, spill files, unpublished versions).</summary>
internal static class ScratchDirectory
{
    /// <summary>Deletes <paramref name="dir"/> with its contents; one that cannot go now is left for a later run.</summary>
    public static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Never read: a later load, publish or maintenance run clears it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>
    /// Removes what a killed run left in <c>lake/_staging</c>: entries nothing has written for <paramref name="age"/>.
    /// A running load, stitch or recompute touches its own entries all the time, so only orphans are that old.
    /// </summary>
    public static int RemoveStale(LakeLayout lake, TimeSpan age, DateTime nowUtc)
    {
        if (!Directory.Exists(lake.Staging))
            return 0;
        var removed = 0;
        foreach (var entry in new DirectoryInfo(lake.Staging).EnumerateFileSystemInfos())
        {
            if (nowUtc - LastWrite(entry) < age)
                continue;
            if (entry is DirectoryInfo)
                TryDelete(entry.FullName);
            else
                TryDeleteFile(entry.FullName);
            removed++;
        }
        return removed;
    }

    /// <summary>The newest write time of an entry and, for a directory, of anything directly in it.</summary>
    private static DateTime LastWrite(FileSystemInfo entry)
    {
        var last = entry.LastWriteTimeUtc;
        if (entry is DirectoryInfo dir)
        {
            foreach (var child in dir.EnumerateFileSystemInfos())
                last = child.LastWriteTimeUtc > last ? child.LastWriteTimeUtc : last;
        }
        return last;
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // As for directories: a later run tries again.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
