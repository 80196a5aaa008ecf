using GenerationPlatform.Text;

namespace GenerationPlatform.Verifiers.Tests.Text;

/// <summary>A deterministic stand-in for the sentence encoder: a unit vector per string (seeded by its characters); counts prompts encoded.</summary>
internal sealed class FakeTextEncoder(int dimension = 384) : ITextEncoder
{
    private long encoded;

    public string Name => "fake";
    public int Dimension => dimension;
    public long Encoded => Interlocked.Read(ref encoded);

    public float[][] Encode(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref encoded, prompts.Count);
        return prompts.Select(Vector).ToArray();
    }

    public float[] Vector(string prompt)
    {
        var rng = new Random(prompt.Aggregate(17, (h, c) => unchecked(h * 31 + c)));
        var v = Enumerable.Range(0, dimension).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    public void Dispose()
    {
    }
}
