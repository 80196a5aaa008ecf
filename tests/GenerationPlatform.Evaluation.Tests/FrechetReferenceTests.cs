namespace GenerationPlatform.Evaluation.Tests;

public sealed class FrechetReferenceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("fd-reference-").FullName;
    private int extracted;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A cheap stand-in for ResNet-18: three features per image, counting the images it sees.</summary>
    private float[][] Extract(IReadOnlyList<float[]> images, CancellationToken _)
    {
        Interlocked.Add(ref extracted, images.Count);
        return images.Select(x => new[] { x.Average(), x[0], x[100] * x[200] }).ToArray();
    }

    private static float[][] Images(int count, int seed, float shift = 0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 28 * 28).Select(_ => (float)(rng.NextDouble() * 2 - 1) + shift).ToArray()).ToArray();
    }

    [Fact]
    public void ReferenceMomentsAreComputedOnceAndCachedByKeyAndCount()
    {
        var reference = Images(300, seed: 1);
        using var first = FrechetReference.LoadOrCompute(Extract, "toy-a", reference, dir);
        Assert.False(first.LoadedFromCache);
        Assert.Equal(300, extracted);
        Assert.Equal(FrechetReference.CachePath(dir, "toy-a", 300), first.CacheFile);
        Assert.True(File.Exists(first.CacheFile));

        using var second = FrechetReference.LoadOrCompute(Extract, "toy-a", reference, dir);
        Assert.True(second.LoadedFromCache);
        Assert.Equal(300, extracted); // nothing extracted again
        Assert.Equal(first.Mean.data<double>().ToArray(), second.Mean.data<double>().ToArray());
        Assert.Equal(first.Covariance.data<double>().ToArray(), second.Covariance.data<double>().ToArray());

        using var otherKey = FrechetReference.LoadOrCompute(Extract, "toy-b", reference, dir);
        using var otherCount = FrechetReference.LoadOrCompute(Extract, "toy-a", reference[..299], dir);
        Assert.False(otherKey.LoadedFromCache);
        Assert.False(otherCount.LoadedFromCache);
        Assert.Equal(300 + 300 + 299, extracted);

        File.WriteAllBytes(first.CacheFile, [1, 2, 3]); // a damaged cache is recomputed, not trusted
        using var repaired = FrechetReference.LoadOrCompute(Extract, "toy-a", reference, dir);
        Assert.False(repaired.LoadedFromCache);
        Assert.Equal(first.Mean.data<double>().ToArray(), repaired.Mean.data<double>().ToArray());
    }

    [Fact]
    public void DistanceIsNearZeroForTheReferenceAndGrowsWithAShift()
    {
        var reporting = new List<int>();
        using var reference = FrechetReference.LoadOrCompute(Extract, "toy", Images(600, seed: 2), dir, progress: (done, _) => reporting.Add(done));
        Assert.Equal([256, 512, 600], reporting);
        double same = reference.Distance(Images(600, seed: 2));
        double fresh = reference.Distance(Images(600, seed: 3));
        double shifted = reference.Distance(Images(600, seed: 3, shift: 0.5f));
        Assert.Equal(0, same, 9);
        Assert.InRange(fresh, 0, 0.05);
        // The mean pixel and pixel 0 both move by 0.5: FD grows by about 2 * 0.5^2 from the mean term alone.
        Assert.InRange(shifted, 0.45, 0.8);
    }
}
