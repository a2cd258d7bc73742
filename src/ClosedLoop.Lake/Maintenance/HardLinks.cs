using System.Runtime.InteropServices;

namespace ClosedLoop.Lake.Maintenance;

/// <summary>
/// A second name for a file's content (POSIX <c>link</c>): a recompute keeps its own credits files in the version's
/// state this way, so an <c>attribute</c> run replacing a published credits file later does not change what the next
/// incremental run builds on, at no extra disk space. Where linking is not possible (Windows, another volume) the file
/// is copied.
/// </summary>
internal static partial class HardLinks
{
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string newName);

    public static void LinkOrCopy(string existing, string newName)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                if (Link(existing, newName) == 0)
                    return;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // No libc link on this platform: copy below.
            }
        }
        File.Copy(existing, newName, overwrite: true);
    }
}
