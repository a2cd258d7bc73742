namespace ClosedLoop.Core.Attribution;

/// <summary>
/// The first step both data-driven models share: validate every input entry, keep them, and number the distinct
/// channels in ordinal order, so results never depend on the order the entries came in.
/// </summary>
internal static class ChannelCatalog
{
    /// <summary>
    /// The entries as a list, the distinct channels sorted ordinally, and each channel's number. Throws
    /// <see cref="ArgumentException"/> with <paramref name="problem"/>'s message for the first bad entry.
    /// </summary>
    public static (List<T> Entries, string[] Channels, Dictionary<string, int> Ids) Collect<T>(
        IEnumerable<T> entries, Func<T, IReadOnlyList<string>> channelsOf, Func<T, int, string?> problem, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(entries, parameterName);
        var list = new List<T>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (problem(entry, list.Count) is { } message)
                throw new ArgumentException(message, parameterName);
            list.Add(entry);
            var channels = channelsOf(entry);
            for (var i = 0; i < channels.Count; i++)
                names.Add(channels[i]);
        }
        var sorted = new string[names.Count];
        names.CopyTo(sorted);
        Array.Sort(sorted, StringComparer.Ordinal);
        var ids = new Dictionary<string, int>(sorted.Length, StringComparer.Ordinal);
        for (var i = 0; i < sorted.Length; i++)
            ids.Add(sorted[i], i);
        return (list, sorted, ids);
    }
}
