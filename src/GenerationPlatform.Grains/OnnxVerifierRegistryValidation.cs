using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>
/// Checks the `onnx:NAME` registrations at silo start: every key well formed and every model file
/// present. The model's own contract (names, types, shapes) is checked when the verifier is first built.
/// </summary>
public sealed class OnnxVerifierRegistryValidation : IValidateOptions<OnnxVerifierRegistry>
{
    public ValidateOptionsResult Validate(string? name, OnnxVerifierRegistry options)
    {
        var problems = options.Problems().Concat(options.Onnx
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value.Path) && !File.Exists(kv.Value.ResolvedPath))
            .Select(kv => $"{OnnxVerifierRegistry.Section}:Onnx:{kv.Key}:Path: model file not found: {kv.Value.ResolvedPath}")).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
