using System.Globalization;
using ClosedLoop.Core.Events;
using ClosedLoop.Lake.Events;

namespace ClosedLoop.IntegrationTests.Loading;

public sealed class PartitionedEventWriterTests : IDisposable
{
    private readonly TestLake _lake = new();

    private static EnrichedEvent Event(int i, DateOnly day) => new()
    {
        EventId = $"e{i}",
        Timestamp = day.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc).AddSeconds(i),
        ReceivedAt = new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc),
        Type = i % 3 == 0 ? EventTypes.Track : EventTypes.Page,
        EventName = i % 3 == 0 ? "Signed Up" : null,
        AnonymousId = $"cookie-{i % 7}",
        Email = i % 5 == 0 ? $"zoë{i}@example.com" : null,
        // Some values longer than 127 bytes (a two-byte length in the spill row), ASCII and not.
        Url = $"https://acme.example/p/{i}?utm_campaign=spring" + (i % 4 == 1 ? "&q=" + new string('x', 150) : ""),
        PagePath = $"/p/{i}",
        Campaign = "spring",
        Channel = "Paid Search",
        ReferralExcluded = i % 2 == 0,
        TimestampClamped = i % 11 == 0,
        Revenue = i % 4 == 0 ? i * 1.5 : null,
        PropertiesJson = i % 6 == 0 ? """{"plan":"pro","note":"naïve ☃"}""" : i % 6 == 3 ? $$"""{"note":"{{new string('é', 100)}}"}""" : null,
    };

    [Fact]
    public async Task Interleaved_days_become_large_row_groups_cut_at_the_row_group_size_with_every_value_kept()
    {
        var days = new[] { new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2) };
        var events = Enumerable.Range(0, 2500).Select(i => Event(i, days[i % 2])).ToList();
        await using (var writer = new PartitionedEventWriter(_lake.Layout, rowGroupSize: 1000))
        {
            foreach (var e in events)
                await writer.AddAsync(e, CancellationToken.None);
            await writer.AddAsync(events[17], CancellationToken.None);
            var files = await writer.CompleteAsync(CancellationToken.None);
            Assert.Equal(2, files.Count);
            Assert.Equal(1, writer.Duplicates);
            Assert.Equal(2500, writer.Written);
        }

        // Each day got 1,250 rows (plus one duplicate) in alternation with the other day: one row group of 1,000 and one of 250.
        var groups = _lake.Query($"select distinct file_name, row_group_id, row_group_num_rows from parquet_metadata('{_lake.EventsGlob}') order by 1, 2");
        Assert.Equal(["1000", "250", "1000", "250"], groups.Select(g => g[2]));
        Assert.Empty(Directory.EnumerateFiles(_lake.Layout.Staging, "*", SearchOption.AllDirectories));

        var rows = _lake.Query($"""
            select event_id, strftime(timestamp, '%Y-%m-%d %H:%M:%S'), type, event, anonymous_id, email, url, page_path, campaign,
                   channel, referral_excluded, timestamp_clamped, revenue, properties, user_id, event_key
            from read_parquet('{_lake.EventsGlob}') order by cast(substr(event_id, 2) as int)
            """);
        Assert.Equal(2500, rows.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var row = rows[i];
            Assert.Equal(e.EventId, row[0]);
            Assert.Equal(e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), row[1]);
            Assert.Equal(new[] { e.Type, e.EventName, e.AnonymousId, e.Email, e.Url, e.PagePath, e.Campaign, e.Channel }, row[2..10]);
            Assert.Equal(e.ReferralExcluded.ToString(CultureInfo.InvariantCulture), row[10]);
            Assert.Equal(e.TimestampClamped.ToString(CultureInfo.InvariantCulture), row[11]);
            Assert.Equal(e.Revenue?.ToString(CultureInfo.InvariantCulture), row[12]);
            Assert.Equal(e.PropertiesJson, row[13]);
            Assert.Null(row[14]);
            Assert.Equal(EventKeys.Of(e.EventId).ToString(CultureInfo.InvariantCulture), row[15]);
        }
    }

    [Fact]
    public async Task Over_the_spill_budget_the_busiest_day_is_cut_early_and_later_duplicates_of_it_are_still_skipped()
    {
        // Day 1 takes three events in five, days 2 and 3 one each; rows are about 200 bytes, so a 40 KB budget is
        // passed every couple of hundred rows, long before any day reaches the 100k-row group size.
        var days = new[] { new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 3) };
        var events = Enumerable.Range(0, 3000).Select(i => Event(i, days[i % 5 < 3 ? 0 : i % 5 - 2])).ToList();
        await using (var writer = new PartitionedEventWriter(_lake.Layout, rowGroupSize: 100_000, spillBudget: 40_000))
        {
            foreach (var e in events)
                await writer.AddAsync(e, CancellationToken.None);
            // e0 (day 1) went out in the day's first row group, long ago.
            await writer.AddAsync(events[0], CancellationToken.None);
            Assert.Equal(3, (await writer.CompleteAsync(CancellationToken.None)).Count);
            Assert.Equal(1, writer.Duplicates);
            Assert.Equal(3000, writer.Written);
        }

        var groups = _lake.Query($"""
            select regexp_extract(file_name, 'event_date=([0-9-]+)', 1) as day, count(*), sum(row_group_num_rows)
            from (select distinct file_name, row_group_id, row_group_num_rows from parquet_metadata('{_lake.EventsGlob}'))
            group by 1 order by 1
            """);
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-03"], groups.Select(g => g[0]));
        Assert.Equal(["1800", "600", "600"], groups.Select(g => g[2]));
        Assert.True(int.Parse(groups[0][1]!, CultureInfo.InvariantCulture) > 5, $"day 1 has {groups[0][1]} row groups");
        Assert.Equal(3000, _lake.Scalar($"select count(distinct event_id) from read_parquet('{_lake.EventsGlob}')"));
    }

    private async Task<(long Written, long Duplicates)> WriteAsync(EventKeyCache? cache, params int[] ids)
    {
        await using var writer = new PartitionedEventWriter(_lake.Layout, keyCache: cache);
        foreach (var id in ids)
            await writer.AddAsync(Event(id, new DateOnly(2026, 3, 1)), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        return (writer.Written, writer.Duplicates);
    }

    [Fact]
    public async Task Writers_sharing_a_key_cache_skip_what_an_earlier_writer_stored_and_notice_files_written_around_them()
    {
        var cache = new EventKeyCache();
        var day = _lake.Layout.EventPartition(new DateOnly(2026, 3, 1));

        Assert.Equal((2, 0), await WriteAsync(cache, 1, 2));
        var cached = cache.Take(day);
        Assert.NotNull(cached);
        Assert.Equal(new[] { EventKeys.Of("e1"), EventKeys.Of("e2") }.Order(), cached.Value.Keys.Order());
        cache.Return(day, cached.Value.Keys, cached.Value.Files, new DateOnly(2026, 3, 1));

        // The next writer takes the keys from the cache: e2 is a duplicate. A writer of duplicates only keeps them cached.
        Assert.Equal((1, 1), await WriteAsync(cache, 2, 3));
        Assert.Equal((0, 2), await WriteAsync(cache, 1, 3));
        var kept = cache.Take(day);
        Assert.Equal(3, kept!.Value.Keys.Count);
        cache.Return(day, kept.Value.Keys, kept.Value.Files, new DateOnly(2026, 3, 1));
        // A writer without the cache (a bulk load) adds a file the cache does not know...
        Assert.Equal((1, 0), await WriteAsync(null, 4));
        // ...so the next cached writer reads the partition again and still skips e4.
        Assert.Equal((1, 1), await WriteAsync(cache, 4, 5));

        Assert.Equal(5, _lake.Scalar($"select count(*) from read_parquet('{_lake.EventsGlob}')"));
        Assert.Equal(5, _lake.Scalar($"select count(distinct event_id) from read_parquet('{_lake.EventsGlob}')"));
    }

    [Fact]
    public void The_key_cache_keeps_only_the_newest_days_and_drops_a_day_over_its_key_budget()
    {
        var cache = new EventKeyCache(maxDays: 2, maxKeysPerDay: 3);
        string Dir(int d) => _lake.Layout.EventPartition(new DateOnly(2026, 3, d));
        cache.Return(Dir(1), [1], [], new DateOnly(2026, 3, 1));
        cache.Return(Dir(3), [3], [], new DateOnly(2026, 3, 3));
        cache.Return(Dir(2), [2], [], new DateOnly(2026, 3, 2));
        cache.Return(Dir(4), [1, 2, 3, 4], [], new DateOnly(2026, 3, 4));

        Assert.Null(cache.Take(Dir(1)));
        Assert.Null(cache.Take(Dir(4)));
        Assert.Equal([2L], cache.Take(Dir(2))!.Value.Keys);
        Assert.Equal([3L], cache.Take(Dir(3))!.Value.Keys);
    }

    public void Dispose() => _lake.Dispose();
}
