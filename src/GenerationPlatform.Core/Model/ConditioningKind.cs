namespace GenerationPlatform.Core.Model;

public enum ConditioningKind
{
    /// <summary>A class index in 0..Classes-1; the null label (index Classes) is the unconditional branch.</summary>
    Class,
    /// <summary>A prompt embedding from a named text encoder; the all-zero embedding is the unconditional branch.</summary>
    Text,
}
