using GenerationPlatform.Api.V1;
using Grpc.Core;

namespace GenerationPlatform.Api;

/// <summary>
/// Binds GenerationService with request marshallers that refuse an undecodable message as INVALID_ARGUMENT
/// ("request: not a valid GetJobRequest"). Grpc.AspNetCore reads a unary or server-streaming request before any
/// interceptor or handler runs, and a parse error there is UNKNOWN with an Error log and a stack trace, before
/// authentication. The framework finds this binding through <see cref="BindServiceMethodAttribute"/> on the
/// service, and server reflection finds <see cref="Descriptor"/> the same way.
/// </summary>
public static class GenerationServiceBinding
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => GenerationService.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, GenerationService.GenerationServiceBase serviceImpl) =>
        GenerationService.BindService(new StrictRequestBinder(serviceBinder), serviceImpl);
}
