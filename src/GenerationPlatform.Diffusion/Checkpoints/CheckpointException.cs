namespace GenerationPlatform.Diffusion.Checkpoints;

/// <summary>Thrown when a checkpoint is missing, malformed or does not fit the module it is loaded into.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
