using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

internal sealed class NoRefusedModelFolders : IRefusedModelFolders
{
    public static readonly NoRefusedModelFolders Instance = new();

    public IReadOnlyCollection<string> RefusedFolders => [];
}
