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
}
