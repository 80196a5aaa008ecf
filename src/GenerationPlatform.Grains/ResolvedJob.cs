using GenerationPlatform.Core.Model;
using GenerationPlatform.Search;

namespace GenerationPlatform.Grains;

/// <summary>A job's model and its verifiers as this silo reaches them: what its search runs with.</summary>
internal sealed record ResolvedJob(ModelDescription Model, GrainVerifier[] Verifiers, DenoiserDirectory Denoisers)
{
    /// <summary>The search's two seams (denoise, verify) over the cluster's grains, for one run of the job.</summary>
    public SearchContext Context(string tenantId, long priority, NfeBudget budget, IProgress<SearchProgress> progress,
        IReadOnlyList<SearchCheckpoint>? checkpoint, CheckpointCadence cadence) =>
        new(new GrainDenoiser(Denoisers, Model, tenantId, priority), new VerifierPanel(Verifiers[0], Verifiers[1..]), budget, progress, checkpoint, cadence);
}
