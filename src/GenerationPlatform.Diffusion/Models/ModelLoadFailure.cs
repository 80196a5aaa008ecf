namespace GenerationPlatform.Diffusion.Models;

/// <summary>A model folder the registry refused: the model's name (the folder's name when the manifest gave none), the folder, the field and why.</summary>
public sealed record ModelLoadFailure(string Name, string Folder, string Field, string Message)
{
    public override string ToString() => $"model '{Name}' ({Folder}) refused: {Field}: {Message}";
}
