namespace GenerationPlatform.Contracts;

/// <summary>
/// Where this host loads the networks itself (the silo's network provider): the model folders whose weights it refused,
/// which the model catalogue then leaves out though their manifests are sound.
/// </summary>
public interface IRefusedModelFolders
{
    IReadOnlyCollection<string> RefusedFolders { get; }
}
