namespace GenerationPlatform.Grains;

/// <summary>There is no denoiser for a model in the cluster right now (no silo that serves it is up).</summary>
public sealed class NoDenoiserException(string message) : Exception(message);
