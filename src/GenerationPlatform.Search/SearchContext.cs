using System.Diagnostics;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search;

/// <summary>
/// What an algorithm runs against: the denoiser, the verifiers and the budget. Every denoise call
/// is charged to the budget before it runs; every call is timed by kind. With a progress sink,
/// round reports carry checkpoints, as <paramref name="cadence"/> says (every round without one): links of a chain
/// (<see cref="SearchCheckpoint"/>). With <paramref name="resumeFrom"/> (a chain, its base first), the run continues after
/// its last link's round, its budget already charged with what was spent, and its next links continue that chain.
/// </summary>
public sealed class SearchContext(IDenoiser denoiser, VerifierPanel verifiers, NfeBudget budget, IProgress<SearchProgress>? progress = null,
    IReadOnlyList<SearchCheckpoint>? resumeFrom = null, CheckpointCadence? cadence = null)
{
    private readonly CheckpointCadence cadence = cadence ?? CheckpointCadence.EveryRound;
    private readonly CandidateJournal journal = new();
    // The chain the next link joins: its next sequence number, the bytes of its base and of the links after it.
    private int nextLink;
    private long baseBytes, linkBytes;

    private readonly Stopwatch searchClock = new(), finalClock = new(), verifyClock = new();
    private string? algorithm, fingerprint;
    // Tracing: the run's span (whoever created this context) and a span per round, from its first call to its report.
    private readonly ActivityContext runSpan = Activity.Current?.Context ?? default;
    private readonly Lock roundGate = new();
    private Activity? round;
    private int roundsTraced;
    // Verifiers that compare an image with its own earlier x0-prediction (self-consistency) get it from here:
    // final segments capture it at ProbeTime, keyed by the image array they produce.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<float[], float[]> probes = new();

    /// <summary>The time of the x0-prediction a probing verifier compares a final image with (low noise).</summary>
    public const float ProbeTime = 0.3f;

    public NfeBudget Budget => budget;

    // The adaptive budget (SearchRequest.TargetScore, Patience): checked at each round's end.
    private double? targetScore;
    private int? patience;
    private double bestSoFar = double.NegativeInfinity;
    private int roundsWithoutGain;

    /// <summary>Why the run should stop before its plan is spent (<see cref="StopReason.Completed"/>: it should not).</summary>
    public StopReason StopReason { get; private set; }

    /// <summary>True once the adaptive budget says stop: an algorithm that can (random, zero-order) ends after this round.</summary>
    public bool StopEarly => StopReason != StopReason.Completed;

    /// <summary>The shape of the model's states (and of the images verifiers score).</summary>
    public ImageShape Shape => denoiser.Shape;

    /// <summary>What a verifier scores for an image of this search: its shape, the request's class or prompt.</summary>
    public VerifierInput Input(SearchRequest request, float[] image) => new(image, request.Label, Shape: denoiser.ImageShape, Prompt: request.Prompt);
    public VerifierPanel Verifiers => verifiers;
    public TimeSpan SearchTime => searchClock.Elapsed;
    public TimeSpan FinalTime => finalClock.Elapsed;
    public TimeSpan VerifierTime => verifyClock.Elapsed;
    public NfeSplit Nfe => new(budget.SearchNfe, budget.FinalNfe, budget.ModelEvaluations);

    /// <summary>Denoises segments, charging their exact NFE as search or final-denoising NFE.</summary>
    public async Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> specs, bool isFinal, CancellationToken cancellationToken)
    {
        if (specs.Count == 0) return [];
        cancellationToken.ThrowIfCancellationRequested();
        if (specs.Count > SearchLimits.MaxTrajectoriesPerCall)
            throw new InvalidOperationException($"{specs.Count} segments in one call; at most {SearchLimits.MaxTrajectoriesPerCall} (the algorithm's plan bounds it)");
        budget.Charge(specs.Sum(s => (long)s.Nfe), specs.Sum(s => (long)s.ModelEvaluations), isFinal);
        // The call runs in the round's span, so batches that carry it link to the round.
        Activity.Current = RoundSpan();
        if (verifiers.NeedsProbe) specs = specs.Select(WithProbe).ToArray();
        var clock = isFinal ? finalClock : searchClock;
        clock.Start();
        try
        {
            var outcomes = await denoiser.DenoiseAsync(specs, cancellationToken).ConfigureAwait(false);
            if (outcomes.Length != specs.Count) throw new InvalidOperationException($"denoiser returned {outcomes.Length} outcomes for {specs.Count} segments");
            if (verifiers.NeedsProbe)
                for (int i = 0; i < outcomes.Length; i++)
                    if (ProbeTimeOf(specs[i]) is { } at && outcomes[i].X0Predictions.FirstOrDefault(p => p.RequestedTime == at) is { } probe)
                        probes.AddOrUpdate(outcomes[i].State, probe.Image);
            return outcomes;
        }
        finally { clock.Stop(); }
    }

    public async Task<CandidateScores[]> ScoreAsync(IReadOnlyList<VerifierInput> inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Activity.Current = RoundSpan();
        if (verifiers.NeedsProbe)
            inputs = inputs.Select(i => i.ProbeX0 is null && probes.TryGetValue(i.Image, out var probe) ? i with { ProbeX0 = probe } : i).ToArray();
        verifyClock.Start();
        try { return await verifiers.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false); }
        finally { verifyClock.Stop(); }
    }

    /// <summary>The checkpoint this run resumes from (the last link of its chain), if any.</summary>
    public SearchCheckpoint? ResumeFrom => resumeFrom is { Count: > 0 } chain ? chain[^1] : null;

    /// <summary>
    /// Called once as a run starts: binds this run's checkpoints to the algorithm and its fingerprint
    /// (request, options, primary verifier). Without a checkpoint to resume from, returns null; with
    /// one, checks it belongs to this run, restores the budget's spending and returns what
    /// <paramref name="read"/> makes of the state (given the checkpoint's round). A checkpoint that does
    /// not fit throws <see cref="InvalidCheckpointException"/> before anything is spent.
    /// </summary>
    public T? Resume<T>(string algorithmName, FormattableString options, SearchRequest request, Func<CheckpointReader, int, T> read) where T : class
    {
        if (algorithm is not null) throw new InvalidOperationException("a search context serves one run");
        // One budget: the context's enforces what the request plans with, so the two must be the same number.
        if (request.BudgetNfe != budget.Limit)
            throw new InvalidOperationException($"the request plans with {request.BudgetNfe} NFE but the context's budget is {budget.Limit}");
        algorithm = algorithmName;
        fingerprint = SearchCheckpoint.FingerprintOf(request, verifiers.Primary.Name, options);
        (targetScore, patience) = (request.TargetScore, request.Patience);
        if (resumeFrom is not { Count: > 0 } chain) return null;
        var links = new SearchCheckpoint[chain.Count];
        for (int i = 0; i < chain.Count; i++)
        {
            // The payload is the checkpoint: verify it, and that the record's fields say the same.
            var given = chain[i];
            var link = SearchCheckpoint.Read(given.Payload);
            if ((link.Algorithm, link.Round, link.Nfe, link.Sequence) != (given.Algorithm, given.Round, given.Nfe, given.Sequence))
                throw new InvalidCheckpointException($"the checkpoint's fields ({given.Algorithm}, round {given.Round}, {given.Nfe}) " +
                    $"disagree with its payload ({link.Algorithm}, round {link.Round}, {link.Nfe})");
            if (link.Algorithm != algorithmName)
                throw new InvalidCheckpointException($"the checkpoint was taken by the '{link.Algorithm}' search, not '{algorithmName}'");
            if (link.Fingerprint != fingerprint)
                throw new InvalidCheckpointException($"the checkpoint belongs to another request or options ({link.Fingerprint}), not this one ({fingerprint})");
            if (link.Sequence != i || (i > 0 && link.Round <= links[i - 1].Round))
                throw new InvalidCheckpointException($"the checkpoint chain is broken: link {i} is the chain's link {link.Sequence}, of round {link.Round}");
            links[i] = link;
        }
        var from = links[^1];
        T state;
        try
        {
            var reader = CheckpointReader.Of(links.Select(l => l.State).ToArray());
            state = read(reader, from.Round);
            reader.End();
            journal.Restore(reader.ListsRead);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            throw new InvalidCheckpointException($"corrupt '{algorithmName}' checkpoint state: {e.Message}", e);
        }
        (nextLink, baseBytes, linkBytes) = (links.Length, links[0].Payload.Length, links.Skip(1).Sum(l => (long)l.Payload.Length));
        budget.Restore(from.Nfe.Search, from.Nfe.Final, from.Nfe.ModelEvaluations);
        return state;
    }

    /// <summary>A progress report without a checkpoint (the last one, before the result is returned).</summary>
    public void Report(int round, IReadOnlyList<Candidate> best) => Report(round, best, null);

    /// <summary>The end of a round: reports progress, with a checkpoint of the state <paramref name="checkpoint"/> writes.</summary>
    public void Report(int round, IReadOnlyList<Candidate> best, Action<CheckpointWriter>? checkpoint)
    {
        if (checkpoint is not null && best.Count > 0) Observe(best[0].Scores.Primary);
        EndRoundSpan(round, best);
        if (progress is null) return;
        var nfe = Nfe;
        SearchCheckpoint? taken = null;
        if (checkpoint is not null && cadence.Due)
        {
            if (algorithm is null || fingerprint is null) throw new InvalidOperationException("an algorithm must call Resume before it checkpoints");
            bool lost = cadence.TakeLost();
            bool asBase = lost || nextLink == 0 || nextLink >= cadence.MaxLinks || linkBytes >= baseBytes;
            if (asBase) journal.Clear();
            var writer = new CheckpointWriter(asBase ? null : journal);
            checkpoint(writer);
            taken = SearchCheckpoint.Create(algorithm, fingerprint, round, asBase ? 0 : nextLink, nfe, writer.ToArray());
            journal.Commit(writer);
            if (asBase) (nextLink, baseBytes, linkBytes) = (1, taken.Payload.Length, 0);
            else (nextLink, linkBytes) = (nextLink + 1, linkBytes + taken.Payload.Length);
            cadence.Taken();
        }
        progress.Report(new SearchProgress(round, nfe, budget.Limit, best.Count > 0 ? best[0].Scores.Primary : double.NaN, best, taken, verifiers.Flops));
    }

    /// <summary>
    /// A segment that ends in an image also captures the x0-prediction at <see cref="ProbeTime"/> (free: no extra
    /// NFE), unless it already captures a lower time, so the algorithm's own last capture stays last.
    /// </summary>
    private static TrajectorySpec WithProbe(TrajectorySpec spec)
    {
        if (ProbeTimeOf(spec) is not { } probe) return spec;
        var times = spec.X0Times ?? [];
        if (times.Contains(probe) || times.Any(t => t > probe)) return spec;
        return spec with { X0Times = [probe, .. times] };
    }

    /// <summary>
    /// When a segment that ends in an image captures its probe: at <see cref="ProbeTime"/>, or, on a grid too coarse to
    /// evaluate that low (two Euler steps evaluate at 1 and 0.5 only), at its last evaluation before the image, the
    /// nearest it comes; null for a segment that does not end in an image or starts below the probe time.
    /// </summary>
    private static float? ProbeTimeOf(TrajectorySpec spec)
    {
        if (spec.TTo != 0f || spec.TFrom <= ProbeTime || spec.Steps < 1) return null;
        float last = spec.GridTime(spec.Steps - 1);
        return last > ProbeTime + TrajectorySpec.CaptureTolerance ? last : ProbeTime;
    }

    /// <summary>The current round's span, started by the round's first call (null when nobody listens).</summary>
    private Activity? RoundSpan()
    {
        lock (roundGate)
        {
            if (round is null && SearchTelemetry.Source.HasListeners())
            {
                round = SearchTelemetry.Source.StartActivity("search.round", ActivityKind.Internal, runSpan);
                round?.SetTag("genplat.round.index", roundsTraced);
            }
            return round;
        }
    }

    private void EndRoundSpan(int reported, IReadOnlyList<Candidate> best)
    {
        lock (roundGate)
        {
            if (round is null) return;
            round.SetTag("genplat.round", reported);
            round.SetTag("genplat.nfe.spent", budget.Spent);
            if (best.Count > 0) round.SetTag("genplat.best_score", best[0].Scores.Primary);
            round.Stop();
            round = null;
            roundsTraced++;
        }
    }

    public SearchResult Result(string algorithm, IReadOnlyList<Candidate> top, IReadOnlyList<Candidate> all, int rounds)
    {
        EndRoundSpan(rounds, top);
        var cost = verifiers.Cost;
        return new SearchResult(algorithm, verifiers.Primary.Name, top, all, Nfe, budget.Limit, cost.Calls, cost.Images, SearchTime, FinalTime, VerifierTime, rounds,
            StopReason, verifiers.Flops);
    }

    /// <summary>A round's best primary score: the adaptive budget's rule (a resumed run counts patience from its resumption).</summary>
    private void Observe(double best)
    {
        if (StopEarly) return;
        if (best > bestSoFar) (bestSoFar, roundsWithoutGain) = (best, 0);
        else roundsWithoutGain++;
        if (targetScore is { } target && bestSoFar >= target) StopReason = StopReason.TargetReached;
        else if (patience is { } p && roundsWithoutGain >= p) StopReason = StopReason.NoImprovement;
    }
}
