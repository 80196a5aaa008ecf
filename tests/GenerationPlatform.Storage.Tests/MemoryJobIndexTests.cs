namespace GenerationPlatform.Storage;

public sealed class MemoryJobIndexTests : JobIndexContract
{
    protected override IJobIndex Index { get; } = new MemoryJobIndex();
}
