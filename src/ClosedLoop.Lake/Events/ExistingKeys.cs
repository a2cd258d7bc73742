using Parquet;

namespace ClosedLoop.Lake.Events;

/// <summary>Reads the <c>event_key</c> column of one event partition, so a reload can skip what is already there.</summary>
internal static class ExistingKeys
{
    /// <summary>The keys and the names of the files they were read from.</summary>
    public static (HashSet<long> Keys, HashSet<string> Files) LoadWithFiles(string partitionDir)
    {
        var keys = new HashSet<long>();
        var files = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(partitionDir))
            return (keys, files);
        foreach (var file in Directory.EnumerateFiles(partitionDir, "*.parquet"))
        {
            ReadInto(file, keys).GetAwaiter().GetResult();
            files.Add(Path.GetFileName(file));
        }
        return (keys, files);
    }

    private static async Task ReadInto(string file, HashSet<long> keys)
    {
        await using var reader = await ParquetReader.CreateAsync(file).ConfigureAwait(false);
        var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == EventColumns.EventKeyField.Name);
        if (field is null)
            return;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var values = new long[group.RowCount];
            await group.ReadAsync<long>(field, values.AsMemory()).ConfigureAwait(false);
            keys.EnsureCapacity(keys.Count + values.Length);
            foreach (var v in values)
                keys.Add(v);
        }
    }
}
