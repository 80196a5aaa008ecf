using Grpc.Core;

namespace GenerationPlatform.Cli.Tenant;

/// <summary>A call the platform refused or could not answer, in the platform's own words (the status detail names the field).</summary>
internal sealed class TenantCallException(RpcException call) : Exception($"{call.Status.Detail} ({call.StatusCode})", call)
{
    /// <summary>Whether the request was at fault (exit 2), rather than the platform's availability (exit 1).</summary>
    public bool IsCallersFault { get; } = call.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition
        or StatusCode.OutOfRange or StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.AlreadyExists or StatusCode.ResourceExhausted;
}
