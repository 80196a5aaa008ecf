using GenerationPlatform.Api.V1;
using Grpc.Core;

namespace GenerationPlatform.Api;

/// <summary>
/// Server reflection (v1alpha and v1) over the API's services, bound strictly like GenerationService: its requests
/// are read inside the handler of a bidirectional stream, where a parse error is UNKNOWN with an Error log too.
/// </summary>
[BindServiceMethod(typeof(StrictReflection), nameof(BindService))]
public sealed class StrictReflection(IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> services) : Grpc.Reflection.ReflectionServiceImpl(services)
{
    /// <summary>What reflection lists: the services <see cref="ApiServiceCollectionExtensions.MapGenerationApi"/> maps.</summary>
    public static IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> Served { get; } =
    [
        GenerationService.Descriptor, Grpc.Health.V1.Health.Descriptor,
        Grpc.Reflection.V1Alpha.ServerReflection.Descriptor, Grpc.Reflection.V1.ServerReflection.Descriptor,
    ];

    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Grpc.Reflection.V1Alpha.ServerReflection.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionBase serviceImpl) =>
        Grpc.Reflection.V1Alpha.ServerReflection.BindService(new StrictRequestBinder(serviceBinder), serviceImpl);
}
