using Grpc.Core;

namespace GenerationPlatform.Api;

/// <inheritdoc cref="StrictReflection"/>
[BindServiceMethod(typeof(StrictReflectionV1), nameof(BindService))]
public sealed class StrictReflectionV1(IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> services) : Grpc.Reflection.ReflectionV1ServiceImpl(services)
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Grpc.Reflection.V1.ServerReflection.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, Grpc.Reflection.V1.ServerReflection.ServerReflectionBase serviceImpl) =>
        Grpc.Reflection.V1.ServerReflection.BindService(new StrictRequestBinder(serviceBinder), serviceImpl);
}
