using GenerationPlatform.Contracts;
using GenerationPlatform.Search;

namespace GenerationPlatform.Grains;

/// <summary>
/// Finds what a validated job (<see cref="JobSpec"/>) runs with on this silo: a denoiser of its model is up and knows it,
/// and its verifiers' grains on this silo say what they need. It checks nothing the edge checked.
/// </summary>
public sealed class JobResolution(DenoiserDirectory denoisers, IGrainFactory grains, ILocalSiloDetails silo)
{
    /// <summary>Throws <see cref="NoDenoiserException"/> when no denoiser of the model is up, <see cref="UnknownModelException"/> when it does not know it.</summary>
    internal async Task<ResolvedJob> ResolveAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        await denoisers.PickAsync(spec.ModelName, 0, [], cancellationToken);
        var names = spec.Verifiers;
        var verifiers = new GrainVerifier[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            // Scoring stays near the search that asks for it: the verifier's grain on this silo.
            var grain = grains.GetGrain<IVerifierGrain>(SiloBoundKey.Of(names[i], silo.SiloAddress));
            verifiers[i] = new GrainVerifier(grain, await grain.GetTraitsAsync(cancellationToken), spec.TenantId);
        }
        return new ResolvedJob(spec.Model.ToDescription(), verifiers, denoisers);
    }

    /// <summary>Why a job cannot be resolved: what it names is not served here, it is unusable, or the cluster cannot take it now.</summary>
    public static QuotaRejection Classify(Exception e) => e switch
    {
        SearchPlanException or ArgumentException => QuotaRejection.InvalidRequest,
        UnknownModelException => QuotaRejection.UnknownModel,
        NoDenoiserException => QuotaRejection.Unavailable,
        Verifiers.UnknownVerifierException => QuotaRejection.UnknownVerifier,
        _ => QuotaRejection.Unavailable,
    };
}
