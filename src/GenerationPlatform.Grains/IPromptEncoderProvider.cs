namespace GenerationPlatform.Grains;

/// <summary>Text encoders by the name a model's manifest gives (e.g. all-MiniLM-L6-v2).</summary>
public interface IPromptEncoderProvider
{
    /// <summary>Throws <see cref="UnknownModelException"/> for an encoder this silo does not have.</summary>
    IPromptEncoder Get(string encoder);
}
