using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Api;

public static class GrpcRequestFrameCheckExtensions
{
    /// <summary>Refuses malformed request messages of gRPC calls; after routing (it reads the endpoint), before the endpoints.</summary>
    public static IApplicationBuilder UseGrpcRequestFrameCheck(this IApplicationBuilder app) => app.UseMiddleware<GrpcRequestFrameCheck>();
}
