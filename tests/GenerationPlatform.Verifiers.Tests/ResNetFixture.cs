using GenerationPlatform.Verifiers.ResNet;

namespace GenerationPlatform.Verifiers.Tests;

/// <summary>One ResNet-18 session for every test class in the collection (loading it takes a second or two).</summary>
public sealed class ResNetFixture : IDisposable
{
    public ResNet18Features Features { get; } = new();

    public void Dispose() => Features.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ResNetCollection : ICollectionFixture<ResNetFixture>
{
    public const string Name = "ResNet-18";
}

/// <summary>Synthetic Fashion-MNIST-like images: bright shapes on a dark background, 28x28 in [-1, 1].</summary>
internal static class Shapes
{
    public static float[] Rectangle(int x0 = 8, int y0 = 5, int x1 = 20, int y1 = 23) =>
        Draw((x, y) => x >= x0 && x < x1 && y >= y0 && y < y1);

    public static float[] Disk(double cx = 13.5, double cy = 13.5, double r = 8) =>
        Draw((x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r);

    public static float[] Draw(Func<int, int, bool> inside)
    {
        var image = new float[28 * 28];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                image[y * 28 + x] = inside(x, y) ? 0.9f : -1f;
        return image;
    }

    public static float[] Noisy(float[] image, double sigma, int seed)
    {
        var rng = new Random(seed);
        return image.Select(v => Math.Clamp(v + (float)(sigma * Gaussian(rng)), -1f, 1f)).ToArray();
    }

    public static float[] Random(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 28 * 28).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
