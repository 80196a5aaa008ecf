namespace GenerationPlatform.Core.Verifiers;

/// <summary>A served base verifier: its canonical name, what it measures in words, and what it can score and costs.</summary>
public sealed record VerifierDescription(string Name, string Description, VerifierScope Scope);
