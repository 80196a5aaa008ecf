using GenerationPlatform.Contracts;
using System.Threading.Channels;
using GenerationPlatform.Search;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Grains;

/// <summary>
/// Runs on the job's activation: every batch of the search's progress reports becomes events in the job's log, the
/// round's checkpoint and one state write, the checkpoint first, so the job's state never claims a round its checkpoint
/// does not hold.
/// </summary>
internal sealed class JobProgressRecorder(IPersistentState<SearchJobState> job, IPersistentState<JobCheckpointState> saved, JobEventLog log, string jobId, ILogger logger)
{
    // The round of the last checkpoint this activation persisted.
    private int checkpointWritten = -1;

    /// <summary>The verifiers' FLOPs of the job's runs before this one: this run's are added to them.</summary>
    public double FlopsBefore { get; } = job.State.VerifierFlops;

    public async Task RecordAsync(ChannelReader<SearchProgress> reader)
    {
        var state = job.State;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var p))
            {
                // A resumed search repeats only a report that was not checkpointed (the last one): log each round once.
                if (p.Round <= state.LastRound) continue;
                state.LastRound = p.Round;
                if (p.Checkpoint is not null) (saved.State.Payload, saved.State.Round) = (p.Checkpoint.Payload, p.Round);
                state.SearchNfe = p.Nfe.Search;
                state.FinalNfe = p.Nfe.Final;
                state.ModelEvaluations = p.Nfe.ModelEvaluations;
                state.VerifierFlops = FlopsBefore + (p.VerifierFlops ?? 0);
                var best = p.Best.Select(c => c.ToSummary()).ToArray();
                // The report that comes with the result repeats the last round's when the end changed nothing: not an event of its own.
                bool repeats = p.Checkpoint is null && log.Last is { Kind: Contracts.JobEventKind.Progress } last
                    && last.SearchNfe + last.FinalNfe == p.Nfe.Total && last.Best.SequenceEqual(best);
                state.Best = p.Best.Select(c => c.ToContract()).ToArray();
                if (!repeats) log.Add(Contracts.JobEventKind.Progress, p.Round, best, p.BestScore, null);
            }
            try
            {
                if (saved.State.Round > checkpointWritten)
                {
                    await saved.WriteStateAsync(CancellationToken.None);
                    checkpointWritten = saved.State.Round;
                }
                await job.WriteStateAsync(CancellationToken.None);
            }
            catch (Exception e) { GrainLog.StateWriteFailed(logger, e, jobId); } // the next round's or the final write carries it
        }
    }
}
