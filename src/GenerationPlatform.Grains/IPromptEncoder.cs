namespace GenerationPlatform.Grains;

/// <summary>Turns a text model's prompt into the embedding its network is conditioned on.</summary>
public interface IPromptEncoder
{
    /// <summary>The prompt's embedding; throws when the encoder's embeddings do not have <paramref name="size"/> values.</summary>
    float[] Encode(string prompt, int size, CancellationToken cancellationToken);
}
