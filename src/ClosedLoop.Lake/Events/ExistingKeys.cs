using Parquet;

namespace ClosedLoop.Lake.Events;

/// <summary>Reads the <c>event_key</c> column of one event partition, so a reload can skip what is already there.</summary>
internal static class ExistingKeys
{
    public static HashSet<long> Load(string partitionDir)
    {
        var keys = new HashSet<long>();
        if (!Directory.Exists(partitionDir))
            return keys;
        foreach (var file in Directory.EnumerateFiles(partitionDir, "*.parquet"))
            ReadInto(file, keys).GetAwaiter().GetResult();
        return keys;
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
