using GenerationPlatform.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

public static class OnnxVerifierServices
{
    /// <summary>
    /// Binds <see cref="OnnxVerifierRegistry"/> from <c>GenerationPlatform:Verifiers:Onnx:{NAME}:{Key}</c>
    /// (Path, Input, ImageSize, Channels, Range, Mean, Std, ClassInput, Output, Score, MaxBatch) and validates it at start.
    /// </summary>
    public static IServiceCollection AddOnnxVerifierRegistry(this IServiceCollection services)
    {
        services.AddValidatedOptions<OnnxVerifierRegistry>(OnnxVerifierRegistry.Section, o => o.Problems().Concat(MissingFiles(o)));
        return services;
    }

    /// <summary>Registered models whose file is not there: every silo must have them before it starts.</summary>
    private static IEnumerable<string> MissingFiles(OnnxVerifierRegistry registry) =>
        registry.Onnx
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value.Path) && !File.Exists(kv.Value.ResolvedPath))
            .Select(kv => $"{OnnxVerifierRegistry.Section}:Onnx:{kv.Key}:Path: model file not found: {kv.Value.ResolvedPath}");
}
