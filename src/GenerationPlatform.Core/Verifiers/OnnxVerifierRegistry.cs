namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// Operators' ONNX verifiers by name, bound from the configuration section
/// <c>GenerationPlatform:Verifiers</c> (keys <c>Onnx:{NAME}:Path</c>, <c>Onnx:{NAME}:Input</c>, ...).
/// </summary>
public sealed class OnnxVerifierRegistry
{
    public const string Section = "GenerationPlatform:Verifiers";

    public Dictionary<string, OnnxVerifierSpec> Onnx { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every problem of every spec, prefixed with its configuration path; empty when none.</summary>
    public IReadOnlyList<string> Problems() =>
        Onnx.SelectMany(kv => NameProblems(kv.Key).Concat(kv.Value.Problems()).Select(p => $"{Section}:Onnx:{kv.Key}:{p}")).ToList();

    private static IEnumerable<string> NameProblems(string name)
    {
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or ':'))
            yield return $" the name '{name}' must be non-empty, without spaces, parentheses, commas or colons";
    }
}
