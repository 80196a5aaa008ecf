using GenerationPlatform.Api.V1;
using GenerationPlatform.Contracts;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace GenerationPlatform.Api;

/// <summary>From the grains' contracts to the wire.</summary>
internal static class ProtoMapping
{
    public static JobState ToProto(this JobStatus status) => status switch
    {
        JobStatus.Running => JobState.Running,
        JobStatus.Completed => JobState.Completed,
        JobStatus.Cancelled => JobState.Cancelled,
        JobStatus.DeadlineExceeded => JobState.DeadlineExceeded,
        JobStatus.Failed => JobState.Failed,
        _ => JobState.Unspecified,
    };

    public static JobState ToProto(this Storage.JobIndexState state) => state switch
    {
        Storage.JobIndexState.Running => JobState.Running,
        Storage.JobIndexState.Completed => JobState.Completed,
        Storage.JobIndexState.Cancelled => JobState.Cancelled,
        Storage.JobIndexState.DeadlineExceeded => JobState.DeadlineExceeded,
        Storage.JobIndexState.Failed => JobState.Failed,
        _ => JobState.Unspecified,
    };

    /// <summary>A job as ListJobs shows it, from its row in the tenant's job index.</summary>
    public static JobSummary ToProto(this Storage.JobIndexEntry e)
    {
        var summary = new JobSummary
        {
            JobId = e.JobId, State = e.State.ToProto(), Model = e.Model, Algorithm = e.Algorithm, BudgetNfe = e.BudgetNfe, SpentNfe = e.SpentNfe,
            AcceptedAt = Timestamp.FromDateTimeOffset(e.AcceptedAt),
        };
        if (e.FinishedAt is { } finished) summary.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        return summary;
    }

    public static V1.CandidateSeed ToProto(this Contracts.CandidateSeed s) => new() { Seed = s.Seed, Round = s.Round, Candidate = s.Candidate };

    public static NfeSplit Nfe(long search, long final, long modelEvaluations, long budget) =>
        new() { Search = search, Final = final, ModelEvaluations = modelEvaluations, Budget = budget };

    public static V1.CandidateSummary ToProto(this Contracts.CandidateSummary c) =>
        new() { Seed = c.Seed.ToProto(), Score = c.Score, Round = c.Round, Origin = c.Origin };

    public static Preview ToProto(this PreviewImage p) =>
        new() { Rank = p.Rank, Png = ByteString.CopyFrom(p.Png), Seed = p.Seed.ToProto(), Score = p.Score, Round = p.Round, Origin = p.Origin };

    /// <summary>An event as an update; a Completed event needs the result, which the caller reads.</summary>
    public static JobUpdate ToUpdate(this JobEvent e, string jobId, JobSpec? request, Func<V1.JobResult> result)
    {
        var update = new JobUpdate { JobId = jobId, Index = e.Index, At = Timestamp.FromDateTimeOffset(e.At) };
        switch (e.Kind)
        {
            case JobEventKind.Accepted:
                update.Accepted = new Accepted
                {
                    JobId = jobId, Seed = request?.Seed ?? 0, BudgetNfe = e.Budget, AcceptedAt = update.At, VerifierNfePlanned = request?.VerifierNfe ?? 0,
                };
                break;
            case JobEventKind.Progress:
                update.Progress = new Progress { Round = e.Round, Nfe = Nfe(e.SearchNfe, e.FinalNfe, e.ModelEvaluations, e.Budget), BestScore = e.BestScore };
                update.Progress.Best.AddRange(e.Best.Select(ToProto));
                if (e.Previews is { } previews) update.Progress.Previews.AddRange(previews.Select(ToProto));
                break;
            case JobEventKind.Completed:
                update.Result = result();
                break;
            default:
                update.Ended = new JobEnded
                {
                    State = e.Kind switch
                    {
                        JobEventKind.Cancelled => JobState.Cancelled,
                        JobEventKind.DeadlineExceeded => JobState.DeadlineExceeded,
                        _ => JobState.Failed,
                    },
                    Message = e.Kind == JobEventKind.Failed ? FailureMessage(jobId) : e.Message ?? "",
                    Nfe = Nfe(e.SearchNfe, e.FinalNfe, e.ModelEvaluations, e.Budget),
                };
                break;
        }
        return update;
    }

    public static bool IsTerminal(this JobEventKind kind) => kind is not (JobEventKind.Accepted or JobEventKind.Progress);

    /// <summary>
    /// What a tenant reads of a failed job. The cause is the server's (an exception from a silo, a store or a model,
    /// with host names, paths or grain ids in it), logged by the silo under the job's id.
    /// </summary>
    public static string FailureMessage(string jobId) => $"the job failed on the server; its operators find the cause in the log under {jobId}";

    /// <summary>
    /// The stored result's name within the tenant's results; the PNGs lie next to it as top-1.png ... top-K.png.
    /// Never the store's own URI: that names the storage account and container, or a path on the server.
    /// </summary>
    public static string ResultLocation(string jobId) => $"results/{jobId}/result.json";

    public static V1.JobResult ToProto(this Contracts.JobResult r, string jobId, IReadOnlyList<byte[]> pngs)
    {
        var result = new V1.JobResult
        {
            JobId = jobId,
            Algorithm = r.Algorithm,
            Verifier = r.Verifier,
            Nfe = Nfe(r.SearchNfe, r.FinalNfe, r.ModelEvaluations, r.Budget),
            Rounds = r.Rounds,
            ResultLocation = ResultLocation(jobId),
            Timings = new Timings { Search = Duration.FromTimeSpan(r.SearchTime), Final = Duration.FromTimeSpan(r.FinalTime), Verifier = Duration.FromTimeSpan(r.VerifierTime) },
            VerifierCalls = r.VerifierCalls,
            VerifiedImages = r.VerifiedImages,
            StopReason = r.StopReason,
        };
        if (r.VerifierNfeEquivalents is { } equivalents) result.VerifierNfeEquivalents = equivalents;
        for (int i = 0; i < r.Top.Length; i++)
        {
            var c = r.Top[i];
            var image = new ResultImage
            {
                Rank = i + 1,
                Png = i < pngs.Count ? ByteString.CopyFrom(pngs[i]) : ByteString.Empty,
                Seed = c.Seed.ToProto(),
                Score = c.Score,
                Round = c.Round,
                Origin = c.Origin,
            };
            image.ScoresByVerifier.Add(c.ScoresByVerifier);
            result.Images.Add(image);
        }
        return result;
    }

    public static Usage ToProto(this TenantUsage u) => new()
    {
        Tenant = u.TenantId,
        ActiveJobs = u.ActiveJobs,
        ReservedNfe = u.ReservedNfe,
        NfeLastMinute = u.NfeLastMinute,
        NfeToday = u.NfeToday,
        SettledNfeTotal = u.SettledNfeTotal,
        JobsAdmitted = u.JobsAdmitted,
        JobsRejected = u.JobsRejected,
        ReservedVerifierNfe = u.ReservedVerifierNfe,
        VerifierNfeLastMinute = u.VerifierNfeLastMinute,
        VerifierNfeToday = u.VerifierNfeToday,
        SettledVerifierNfeTotal = u.SettledVerifierNfeTotal,
        ChargedLastMinute = u.ChargedLastMinute,
        ChargedToday = u.ChargedToday,
        Quota = new Quota
        {
            MaxConcurrentJobs = u.Quota.MaxConcurrentJobs,
            NfePerMinute = u.Quota.NfePerMinute,
            NfePerDay = u.Quota.NfePerDay,
            MaxBudgetPerRequest = u.Quota.MaxBudgetPerRequest,
        },
    };
}
