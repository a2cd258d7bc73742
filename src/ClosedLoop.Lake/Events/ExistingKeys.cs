using Parquet;

namespace ClosedLoop.Lake.Events;

/// <summary>Reads the <c>event_key</c> column of one event partition, so a reload can skip what is already there.</summary>
internal static class ExistingKeys
{
    /// <summary>The keys and the names of the files they were read from.</summary>
    public static (EventKeySet Keys, HashSet<string> Files) LoadWithFiles(string partitionDir)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(partitionDir))
            return (new EventKeySet(), files);
        var keys = new KeyBuffer();
        foreach (var file in Directory.EnumerateFiles(partitionDir, "*.parquet"))
        {
            ReadInto(file, keys).GetAwaiter().GetResult();
            files.Add(Path.GetFileName(file));
        }
        return (EventKeySet.FromKeys(keys.Values, keys.Count), files);
    }

    private sealed class KeyBuffer
    {
        public long[] Values = [];
        public int Count;
    }

    private static async Task ReadInto(string file, KeyBuffer keys)
    {
        await using var reader = await ParquetReader.CreateAsync(file).ConfigureAwait(false);
        var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == EventColumns.EventKeyColumn);
        if (field is null)
            return;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            if (keys.Count + rows > keys.Values.Length)
                Array.Resize(ref keys.Values, Math.Max(keys.Count + rows, keys.Values.Length * 2));
            await group.ReadAsync<long>(field, keys.Values.AsMemory(keys.Count, rows)).ConfigureAwait(false);
            keys.Count += rows;
        }
    }
}
