using ClosedLoop.Lake.Events;

namespace ClosedLoop.IntegrationTests.Loading;

public sealed class EventKeySetTests
{
    [Fact]
    public void Keys_from_the_lake_are_deduplicated_and_later_additions_checked_against_them()
    {
        var set = EventKeySet.FromKeys([5, 1, 5, 3, 1], 5);

        Assert.Equal(3, set.Count);
        Assert.False(set.Add(3));
        Assert.True(set.Add(4));
        Assert.False(set.Add(4));
        Assert.Contains(5L, set);
        Assert.DoesNotContain(2L, set);
        Assert.Equal([1L, 3, 4, 5], set.Order());
    }

    [Fact]
    public void Compacting_keeps_every_key_and_the_answers_of_a_hash_set()
    {
        var random = new Random(7);
        var initial = Enumerable.Range(0, 100_000).Select(_ => random.NextInt64()).ToArray();
        var set = EventKeySet.FromKeys((long[])initial.Clone(), initial.Length);
        var reference = initial.ToHashSet();

        // Enough additions (with repeats of old and new keys) to pass the compaction threshold twice.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 70_000; i++)
            {
                var key = i % 7 == 0 ? initial[random.Next(initial.Length)] : random.NextInt64(-1000, 1000) * 1_000_003 + i;
                Assert.Equal(reference.Add(key), set.Add(key));
            }
            set.CompactIfLarge();
            Assert.Equal(reference.Count, set.Count);
        }

        Assert.Equal(reference.Order(), set.Order());
        Assert.All(reference.Take(1000), key => Assert.False(set.Add(key)));
    }
}
