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
        services.AddOptions<OnnxVerifierRegistry>().BindConfiguration(OnnxVerifierRegistry.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnnxVerifierRegistry>, OnnxVerifierRegistryValidation>());
        return services;
    }
}
