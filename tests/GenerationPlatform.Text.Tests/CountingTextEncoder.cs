namespace GenerationPlatform.Text.Tests;

/// <summary>A real encoder that also counts the prompts it was asked to encode (not a mock: it forwards to the real one).</summary>
public sealed class CountingTextEncoder(ITextEncoder inner) : ITextEncoder
{
    private int calls;
    private int prompts;

    public int Calls => Volatile.Read(ref calls);

    public int Prompts => Volatile.Read(ref prompts);

    public string Name => inner.Name;

    public int Dimension => inner.Dimension;

    public float[][] Encode(IReadOnlyList<string> batch, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref calls);
        Interlocked.Add(ref prompts, batch.Count);
        return inner.Encode(batch, cancellationToken);
    }

    public void Dispose() { } // the fixture owns the inner encoder
}
