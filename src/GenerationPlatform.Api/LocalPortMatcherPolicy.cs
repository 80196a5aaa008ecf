using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace GenerationPlatform.Api;

/// <summary>Drops candidate endpoints bound to another local port than the request's connection.</summary>
internal sealed class LocalPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<LocalPortMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        int port = httpContext.Connection.LocalPort;
        for (int i = 0; i < candidates.Count; i++)
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<LocalPortMetadata>() is { } only && only.Port != port)
                candidates.SetValidity(i, false);
        return Task.CompletedTask;
    }
}
