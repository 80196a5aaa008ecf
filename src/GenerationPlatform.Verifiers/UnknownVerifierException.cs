namespace GenerationPlatform.Verifiers;

/// <summary>Thrown for a verifier name that is not known here; the message lists the known ones.</summary>
public sealed class UnknownVerifierException(string message) : Exception(message);
