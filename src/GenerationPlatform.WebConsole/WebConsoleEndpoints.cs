using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GenerationPlatform.WebConsole;

/// <summary>
/// Serves the console's files under <see cref="Path"/>: static, the same for everyone, and holding no data (a page calls the
/// API with its tenant's key like any other client, so authentication, rate limits and quotas are the API's). Every answer
/// carries a strict Content-Security-Policy (scripts, styles and calls from this origin only; images from this origin or
/// data: URLs; no frames, no plugins, no inline script), is never framed or sniffed, and sends no referrer.
/// </summary>
public static class WebConsoleEndpoints
{
    public const string Path = "/console";
    public const string Page = "index.html";

    /// <summary>The policy every console file is served with.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Maps the console; the caller restricts it to the JSON port.</summary>
    public static IEndpointConventionBuilder MapWebConsole(this IEndpointRouteBuilder endpoints)
    {
        var files = ConsoleFiles.Load();
        // One route for /console, /console/ and /console/{file} (routing does not tell the first two apart).
        return endpoints.MapGet(Path + "/{file?}", (HttpContext context, string? file) =>
        {
            if (file is null && !context.Request.Path.Value!.EndsWith('/'))
            {
                // Relative links need the trailing slash.
                Secure(context.Response);
                context.Response.Redirect(Path + "/");
                return Task.CompletedTask;
            }
            return WriteAsync(context, files.Find(file ?? Page));
        });
    }

    private static async Task WriteAsync(HttpContext context, ConsoleFile? file)
    {
        var response = context.Response;
        Secure(response);
        if (file is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync($"no such file of the console; the console is at {Path}/", context.RequestAborted);
            return;
        }
        response.Headers.ETag = file.ETag;
        // Revalidated every time: a new silo version serves its own page at once.
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch.Contains(file.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        await response.Body.WriteAsync(file.Content, context.RequestAborted);
    }

    private static void Secure(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }
}
