using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GenerationPlatform.Api;

/// <summary>
/// GenerationService as HTTP/JSON: gRPC JSON transcoding (Microsoft.AspNetCore.Grpc.JsonTranscoding) at the routes of
/// the proto's <c>google.api.http</c> options, served on a port of its own (HTTP/1.1), and its OpenAPI document. The
/// calls run the same service code as over gRPC: the same keys, validation, quotas and messages; an error is a
/// <c>google.rpc.Status</c> object (<c>{"code": 3, "message": "top_k: ...", "details": []}</c>) with the HTTP status
/// of its gRPC code (<see cref="HttpStatusOf"/>). docs/API.md, HTTP/JSON.
/// </summary>
public static class HttpJson
{
    /// <summary>Where the OpenAPI document is served, on the JSON port: <c>/openapi/v1.json</c>.</summary>
    public const string OpenApiRoute = "/openapi/{documentName}.json";

    /// <summary>The one OpenAPI document's name.</summary>
    public const string OpenApiDocument = "v1";

    /// <summary>The category the transcoding logs each call's outcome under, at Information (a refused call's exception included).</summary>
    internal const string TranscodedCallLog = "Grpc.AspNetCore.Grpc.JsonTranscoding.ServerCallHandler";

    /// <summary>Whether an endpoint is a transcoded HTTP/JSON route (the gRPC method's own endpoint is not).</summary>
    public static bool IsTranscoded(IEnumerable<object> metadata) => metadata.Any(m => m is GrpcJsonTranscodingMetadata);

    /// <summary>
    /// The HTTP status of a gRPC status code, as the transcoding answers it (the mapping of google/rpc/code.proto):
    /// a refusal by the API reads the same over HTTP as over gRPC.
    /// </summary>
    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => StatusCodes.Status408RequestTimeout,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError, // UNKNOWN, INTERNAL, DATA_LOSS
    };

    /// <summary>The OpenAPI document: the transcoded routes (Microsoft.AspNetCore.Grpc.Swagger), the proto's comments, the Bearer key.</summary>
    internal static void DescribeOpenApi(SwaggerGenOptions options)
    {
        options.SwaggerDoc(OpenApiDocument, new OpenApiInfo
        {
            Title = "GenerationPlatform",
            Version = "v1",
            Description = "generation.v1.GenerationService as HTTP/JSON (gRPC JSON transcoding): every call carries 'Authorization: Bearer <api key>'. "
                + "An error is a google.rpc.Status object {code, message, details} under the HTTP status of its gRPC code; "
                + "Generate and Watch answer a stream of JSON objects, one JobUpdate a line. docs/API.md.",
        });
        const string scheme = "bearer";
        options.AddSecurityDefinition(scheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = scheme,
            Description = "The tenant's API key.",
        });
        options.AddSecurityRequirement(new OpenApiSecurityRequirement
        {
            [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = scheme } }] = [],
        });
        // The proto's comments, compiled into the contract assembly's XML documentation (next to it in every output).
        var comments = Path.Combine(AppContext.BaseDirectory, $"{typeof(V1.GenerationService).Assembly.GetName().Name}.xml");
        if (File.Exists(comments)) options.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
    }

    /// <summary>Checks HTTP/JSON requests before the transcoding reads them (<see cref="HttpJsonRequestCheck"/>); after routing.</summary>
    public static IApplicationBuilder UseHttpJsonRequestCheck(this IApplicationBuilder app) => app.UseMiddleware<HttpJsonRequestCheck>();
}
