namespace GenerationPlatform.Text.Tests;

public sealed class CachingTextEncoderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void HitsReturnTheSameVectorsWithoutEncodingAgain()
    {
        var counting = new CountingTextEncoder(fixture.Encoder);
        using var cache = new CachingTextEncoder(counting);
        var first = cache.Encode(["a red dress", "a blue bag"]);
        Assert.Equal(1, counting.Calls);
        var second = cache.Encode(["a blue bag", "a red dress", "a blue bag"]);
        Assert.Equal(1, counting.Calls);
        Assert.Equal(first[1], second[0]);
        Assert.Equal(first[0], second[1]);
        Assert.Equal(first[1], second[2]);
        Assert.Equal(3, cache.Hits);
        Assert.Equal(2, cache.Misses);
        Assert.Equal(CachingTextEncoder.DefaultCapacity, cache.Capacity);
        Assert.Equal(4096, cache.Capacity);
    }

    [Fact]
    public void OnlyMissesReachTheEncoderOnceEach()
    {
        var counting = new CountingTextEncoder(fixture.Encoder);
        using var cache = new CachingTextEncoder(counting);
        cache.Encode(["a coat"]);
        var vectors = cache.Encode(["a coat", "a shirt", "a shirt", "a sandal"]);
        Assert.Equal(2, counting.Calls);
        Assert.Equal(3, counting.Prompts); // "a coat" once, then "a shirt" and "a sandal" once each
        Assert.Equal(vectors[1], vectors[2]);
        Assert.True(Vectors.Cosine(vectors[3], fixture.Encoder.Encode(["a sandal"])[0]) > 0.9999);
    }

    [Fact]
    public void CallersCannotChangeWhatIsCached()
    {
        using var cache = new CachingTextEncoder(new CountingTextEncoder(fixture.Encoder));
        var v = cache.Encode(["a trainer"])[0];
        var kept = (float[])v.Clone();
        Array.Clear(v);
        Assert.Equal(kept, cache.Encode(["a trainer"])[0]);
    }

    [Fact]
    public void CapacityIsRespectedLeastRecentlyUsedFirst()
    {
        var counting = new CountingTextEncoder(fixture.Encoder);
        using var cache = new CachingTextEncoder(counting, capacity: 3);
        cache.Encode(["p1", "p2", "p3"]);
        cache.Encode(["p1"]); // p1 is now the most recent; p2 the least
        cache.Encode(["p4"]); // evicts p2
        Assert.Equal(3, cache.Count);
        int calls = counting.Calls;
        cache.Encode(["p1", "p3", "p4"]);
        Assert.Equal(calls, counting.Calls);
        cache.Encode(["p2"]);
        Assert.Equal(calls + 1, counting.Calls);
        Assert.Equal(3, cache.Count);
        cache.Encode(["q1", "q2", "q3", "q4", "q5"]); // more than the capacity in one call
        Assert.Equal(3, cache.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingTextEncoder(counting, capacity: 0));
    }

    [Fact]
    public void ConcurrentCallersGetConsistentAnswers()
    {
        using var cache = new CachingTextEncoder(new CountingTextEncoder(fixture.Encoder), capacity: 4);
        string[] prompts = ["a", "b", "c", "d", "e", "f"];
        var expected = prompts.ToDictionary(p => p, p => fixture.Encoder.Encode([p])[0]);
        Parallel.For(0, 48, i =>
        {
            var p = prompts[i % prompts.Length];
            Assert.True(Vectors.Cosine(cache.Encode([p])[0], expected[p]) > 0.9999);
        });
        Assert.True(cache.Count <= 4);
    }
}
