using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Storage;
using Microsoft.Extensions.Logging;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Grains;

/// <summary>
/// Step 5 of a request (ARCHITECTURE.md): a completed search's top-k PNGs and its result.json go to
/// the result store under {tenant}/{job}/, the JSON last. A job is Completed only once that is done;
/// while the store fails (after its own retries) the job keeps its result and tries again.
/// </summary>
public static class ResultWriting
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Stores the result; returns where its result.json lies, or null when the store failed (after its own
    /// retries): the caller keeps the result and tries again later.
    /// </summary>
    /// <param name="shape">The shape of the result images (the model's): PNGs are grayscale or RGB at its size.</param>
    public static async Task<string?> StoreAsync(IResultStore store, string jobId, JobSpec spec, JobResult result, ImageShape shape,
        DateTimeOffset? acceptedAt, DateTimeOffset finishedAt, ILogger logger, CancellationToken cancellationToken)
    {
        using var span = GenerationPlatform.Search.SearchTelemetry.Source.StartActivity("result.write", System.Diagnostics.ActivityKind.Internal);
        span?.SetTag("genplat.job", jobId);
        span?.SetTag("genplat.store", store.Kind);
        span?.SetTag("genplat.images", result.Top.Length);
        try
        {
            var pngs = result.Top.Select(c => (ReadOnlyMemory<byte>)ImageGrid.EncodePng(c.Image, shape)).ToArray();
            var json = Serialize(Record(jobId, spec, result, acceptedAt, finishedAt));
            var stored = await store.WriteAsync(spec.TenantId, jobId, pngs, json, cancellationToken);
            return stored.Location;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            ResultWritingLog.WriteFailed(logger, e, jobId, store.Kind);
            return null;
        }
    }

    /// <summary>result.json's bytes for a record: the one format of a search's result, from the platform or the CLI.</summary>
    public static byte[] Serialize(ResultRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, Json);

    /// <summary>The result.json record: what was asked, what came out, what it cost.</summary>
    public static ResultRecord Record(string jobId, JobSpec request, JobResult result, DateTimeOffset? acceptedAt, DateTimeOffset finishedAt) => new(
        jobId,
        request.TenantId,
        new RequestRecord(request.ModelName, request.Algorithm, request.Verifier, request.ReportedVerifiers,
            request.Label >= 0 && request.Label < request.Model.Classes.Length ? new ClassRecord(request.Label, request.Model.Classes[request.Label]) : null, request.Guidance,
            request.Seed, request.BudgetNfe, request.TopK, request.Sampler.ToString().ToLowerInvariant(), request.Steps, request.Eta, request.Deadline?.TotalSeconds,
            request.Prompt, request.TargetScore, request.Patience),
        result.Algorithm,
        result.Verifier,
        result.Top.Select((c, i) => new CandidateRecord(i + 1, $"top-{i + 1}.png", new SeedRecord(c.Seed.Seed, c.Seed.Round, c.Seed.Candidate),
            c.Score, c.ScoresByVerifier, c.Round, c.Origin)).ToArray(),
        new NfeRecord(result.SearchNfe, result.FinalNfe, result.ModelEvaluations, result.Budget),
        result.Rounds,
        result.VerifierCalls,
        result.VerifiedImages,
        new TimingRecord(acceptedAt, finishedAt, result.SearchTime.TotalSeconds, result.FinalTime.TotalSeconds, result.VerifierTime.TotalSeconds),
        Activity.Current?.TraceId.ToString(),
        result.StopReason,
        result.VerifierNfeEquivalents);

    public sealed record ResultRecord(string JobId, string Tenant, RequestRecord Request, string Algorithm, string Verifier, CandidateRecord[] Top,
        NfeRecord Nfe, int Rounds, long VerifierCalls, long VerifiedImages, TimingRecord Timings, string? TraceId, string StopReason = "completed",
        double? VerifierNfeEquivalents = null);

    /// <summary>The class of a class model's job: its index and its name; a text model's job has a prompt instead.</summary>
    public sealed record ClassRecord(int Index, string Name);

    public sealed record RequestRecord(string Model, string Algorithm, string Verifier, string[] ReportedVerifiers, ClassRecord? Class, float Guidance,
        ulong Seed, long BudgetNfe, int TopK, string Sampler, int Steps, float Eta, double? DeadlineSeconds, string? Prompt = null,
        double? TargetScore = null, int? Patience = null);

    public sealed record CandidateRecord(int Rank, string File, SeedRecord Seed, double Score, Dictionary<string, double> ScoresByVerifier, int Round, string Origin);

    public sealed record SeedRecord(ulong Seed, uint Round, uint Candidate);

    public sealed record NfeRecord(long Search, long Final, long ModelEvaluations, long Budget);

    public sealed record TimingRecord(DateTimeOffset? AcceptedAt, DateTimeOffset FinishedAt, double SearchSeconds, double FinalSeconds, double VerifierSeconds);
}
