using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Jobs;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

/// <summary>
/// Runs on the job's activation: the search's latest progress becomes an event in the job's log and one state write,
/// after the checkpoint link that came with it (so the job's state never claims a checkpoint that is not stored). The job's
/// state keeps its best candidates without their images: images live in checkpoints and, at the end, in the result store.
/// </summary>
internal sealed class JobProgressRecorder(IPersistentState<SearchJobState> job, JobCheckpoints checkpoints, JobEventLog log, string jobId, ILogger logger)
{
    /// <summary>The verifiers' FLOPs of the job's runs before this one: this run's are added to them.</summary>
    public double FlopsBefore { get; } = job.State.VerifierFlops;

    public async Task RecordAsync(LatestProgress progress, CheckpointCadence cadence)
    {
        var state = job.State;
        while (await progress.TakeAsync() is var (p, link))
        {
            if (link is not null)
            {
                try
                {
                    await checkpoints.AppendAsync(link);
                    cadence.Persisted();
                }
                catch (Exception e)
                {
                    cadence.Lost(); // the next checkpoint starts a new chain
                    GrainLog.StateWriteFailed(logger, e, jobId);
                }
            }
            // A resumed search repeats the reports after its checkpoint's round: log each round once.
            if (p.Round <= state.LastRound) continue;
            state.LastRound = p.Round;
            state.SearchNfe = p.Nfe.Search;
            state.FinalNfe = p.Nfe.Final;
            state.ModelEvaluations = p.Nfe.ModelEvaluations;
            state.VerifierFlops = FlopsBefore + (p.VerifierFlops ?? 0);
            var best = p.Best.Select(c => c.ToSummary()).ToArray();
            // The report that comes with the result repeats the last round's when the end changed nothing: not an event of its own.
            bool repeats = p.Checkpoint is null && log.Last is { Kind: JobEventKind.Progress } last
                && last.SearchNfe + last.FinalNfe == p.Nfe.Total && last.Best.SequenceEqual(best);
            state.Best = p.Best.Select(c => c.ToContract() with { Image = [] }).ToArray();
            if (!repeats) log.Add(JobEventKind.Progress, p.Round, best, p.BestScore, null, Previews(p, state.Spec));
            try { await job.WriteStateAsync(CancellationToken.None); }
            catch (Exception e) { GrainLog.StateWriteFailed(logger, e, jobId); } // the next round's or the final write carries it
        }
    }

    /// <summary>Small pictures of the first of the best candidates, as many as the job asked for; null for none.</summary>
    private static PreviewImage[]? Previews(SearchProgress p, JobSpec? spec)
    {
        if (spec is not { Previews: > 0 and var count }) return null;
        var shape = spec.Model.Image.ToShape();
        return p.Best.Take(count).Select((c, i) => new PreviewImage(i + 1, Thumbnail.EncodePng(c.Image, shape, SearchJobLimits.PreviewSide),
            c.Seed.ToContract(), c.Scores.Primary, c.Round, c.Origin)).ToArray();
    }
}
