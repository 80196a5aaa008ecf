namespace GenerationPlatform.Diffusion.Sampling;

/// <summary>
/// One row of a velocity query: time, condition and guidance scale. The condition is a class label (the
/// model's null label allowed) for class models, or a prompt embedding for text models (null: the
/// unconditional branch, and then the label is ignored).
/// </summary>
public readonly record struct VelocityQuery(float T, int Label, float Guidance, float[]? Embedding = null);
