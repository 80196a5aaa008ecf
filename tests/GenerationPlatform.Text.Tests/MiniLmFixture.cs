namespace GenerationPlatform.Text.Tests;

/// <summary>One real all-MiniLM-L6-v2 for the tests that need it (loading takes about a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmTextEncoder Encoder { get; } = new();

    public void Dispose() => Encoder.Dispose();
}
