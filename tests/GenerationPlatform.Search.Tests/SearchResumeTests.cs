using GenerationPlatform.Serving;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

/// <summary>
/// Interrupt a search after any round, resume from that round's checkpoint in a fresh context (new
/// field, budget and verifiers, the checkpoint read back from its bytes), and the result is the
/// uninterrupted run's: the same top-k seeds, images bit for bit, scores and NFE split.
/// </summary>
public sealed class SearchResumeTests
{
    private const int Label = 2;
    private const double Target = 0.55;
    private const long Budget = 400;

    /// <summary>Algorithm cases of <see cref="SearchAlgorithmTests"/>; "+ensemble": scored by a batch-relative rank ensemble.</summary>
    public static TheoryData<string> Cases => new()
    {
        "random", "random-preview", "zero-order", "zero-order-restart", "pruned", "paths", "particles", "beam",
        "random+ensemble", "beam+ensemble", "zero-order+ensemble", "paths+ensemble", "particles+ensemble", "pruned+ensemble",
    };

    private static SearchRequest Request(ulong seed = 3, long budget = Budget) => new(Label, 1f, seed, budget, TopK: 2, Sampler: SamplerKind.Heun, Steps: 8);

    private static IImageVerifier Verifier(string @case) =>
        @case.EndsWith("+ensemble", StringComparison.Ordinal) ? new EnsembleVerifier([new MeanTargetVerifier(Target), new TopHalfVerifier()]) : new MeanTargetVerifier(Target);

    private static ISearchAlgorithm Algorithm(string @case) => SearchAlgorithmTests.Make(@case.Split('+')[0]);

    private sealed record Run(SearchResult? Result, List<SearchProgress> Reports, GaussianField Field, NfeBudget Budget);

    /// <summary>Runs a case to the end (or until <paramref name="stopAfterRound"/>'s report cancels it), recording every report.</summary>
    private static Run Execute(string @case, IReadOnlyList<SearchCheckpoint>? resumeFrom = null, int? stopAfterRound = null, SearchRequest? request = null,
        ISearchAlgorithm? algorithm = null)
    {
        var field = new GaussianField();
        var budget = new NfeBudget((request ?? Request()).BudgetNfe);
        using var stop = new CancellationTokenSource();
        var reports = new List<SearchProgress>();
        var progress = new SynchronousProgress(p =>
        {
            reports.Add(p);
            if (p.Round == stopAfterRound) stop.Cancel();
        });
        var context = new SearchContext(new LocalDenoiser(field), new VerifierPanel(Verifier(@case)), budget, progress, resumeFrom);
        try
        {
            var result = (algorithm ?? Algorithm(@case)).RunAsync(request ?? Request(), context, stop.Token).GetAwaiter().GetResult();
            return new Run(result, reports, field, budget);
        }
        catch (OperationCanceledException) when (stopAfterRound is not null)
        {
            return new Run(null, reports, field, budget);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResumingAfterAnyRoundEndsWithTheUninterruptedResult(string @case)
    {
        var whole = Execute(@case);
        var checkpoints = whole.Reports.Select(r => r.Checkpoint).OfType<SearchCheckpoint>().ToList();
        Assert.True(checkpoints.Count >= 2, $"{@case}: only {checkpoints.Count} checkpoints");
        Assert.Null(whole.Reports[^1].Checkpoint); // the last report comes with the result
        Assert.Equal(checkpoints.Select(c => c.Round), checkpoints.Select(c => c.Round).Distinct().Order());

        foreach (var checkpoint in checkpoints)
        {
            var persisted = SearchCheckpoint.Read(checkpoint.Payload.ToArray());
            Assert.Equal((checkpoint.Algorithm, checkpoint.Round, checkpoint.Nfe, checkpoint.Sequence), (persisted.Algorithm, persisted.Round, persisted.Nfe, persisted.Sequence));

            var resumed = Execute(@case, ChainTo(checkpoints, checkpoint));

            AssertSameResult(whole.Result!, resumed.Result!, $"{@case} resumed after round {checkpoint.Round}");
            // Only the rest was redone: the fresh field evaluated exactly what was not spent before.
            Assert.Equal(whole.Result!.Nfe.Total - checkpoint.Nfe.Total, resumed.Field.ModelEvaluations);
            // Later rounds checkpoint the same state, byte for byte.
            var later = resumed.Reports.Select(r => r.Checkpoint).OfType<SearchCheckpoint>().Select(c => c.Payload);
            Assert.Equal(checkpoints.Where(c => c.Round > checkpoint.Round).Select(c => c.Payload), later);
            Assert.Equal(whole.Reports.Where(r => r.Round > checkpoint.Round).Select(r => r.Round), resumed.Reports.Select(r => r.Round));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ASearchCancelledMidRunResumesFromItsLastCheckpoint(string @case)
    {
        var whole = Execute(@case);
        var rounds = whole.Reports.Where(r => r.Checkpoint is not null).Select(r => r.Round).ToArray();
        int middle = rounds[rounds.Length / 2];

        var interrupted = Execute(@case, stopAfterRound: middle);
        Assert.Null(interrupted.Result);
        var last = interrupted.Reports[^1].Checkpoint!;
        Assert.Equal(middle, last.Round);
        Assert.True(interrupted.Budget.Spent == last.Nfe.Total, "cancelled before spending past the checkpoint");

        var resumed = Execute(@case, ChainTo(interrupted.Reports.Select(r => r.Checkpoint).OfType<SearchCheckpoint>().ToList(), last));
        AssertSameResult(whole.Result!, resumed.Result!, $"{@case} cancelled after round {middle}");
        Assert.Equal(whole.Result!.Nfe.Total, interrupted.Field.ModelEvaluations + resumed.Field.ModelEvaluations);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("zero-order")]
    [InlineData("pruned")]
    [InlineData("paths")]
    [InlineData("particles")]
    public void TheBudgetCapHoldsAcrossAResume(string @case)
    {
        foreach (var budget in new long[] { 120, 233, 501 })
        {
            var request = Request(budget: budget);
            var whole = Execute(@case, request: request);
            var checkpoint = whole.Reports.Select(r => r.Checkpoint).OfType<SearchCheckpoint>().First();
            var resumed = Execute(@case, [SearchCheckpoint.Read(checkpoint.Payload)], request: request);
            Assert.True(resumed.Result!.Nfe.Total <= budget, $"{@case} spent {resumed.Result.Nfe.Total} of {budget} across a resume");
            Assert.Equal(resumed.Budget.Spent, resumed.Result.Nfe.Total);
            Assert.Equal(checkpoint.Nfe.Total + resumed.Field.ModelEvaluations, resumed.Result.Nfe.Total);
        }
    }

    [Fact]
    public void ARestoredBudgetCountsWhatWasSpentAgainstTheSameCap()
    {
        var budget = new NfeBudget(100);
        budget.Restore(60, 10, 75);
        Assert.Equal((60L, 10L, 75L, 30L), (budget.SearchNfe, budget.FinalNfe, budget.ModelEvaluations, budget.Remaining));
        Assert.False(budget.CanAfford(31));
        Assert.Throws<InvalidOperationException>(() => budget.Restore(1, 0, 1)); // only a fresh budget
        Assert.Throws<BudgetExceededException>(() => new NfeBudget(100).Restore(90, 11, 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NfeBudget(100).Restore(-1, 0, 0));
    }

    [Fact]
    public void CorruptOrMismatchedCheckpointsAreRejectedWithAClearError()
    {
        var random = Execute("random").Reports.First(r => r.Checkpoint is not null).Checkpoint!;
        Assert.True(random.IsBase);

        var otherAlgorithm = Assert.Throws<InvalidCheckpointException>(() => Execute("zero-order", [random]));
        Assert.Contains("'random'", otherAlgorithm.Message);
        var otherSeed = Assert.Throws<InvalidCheckpointException>(() => Execute("random", [random], request: Request(seed: 4)));
        Assert.Contains("another request", otherSeed.Message);
        var otherBudget = Assert.Throws<InvalidCheckpointException>(() => Execute("random", [random], request: Request(budget: Budget + 19)));
        Assert.Contains("another request", otherBudget.Message);
        var otherOptions = Assert.Throws<InvalidCheckpointException>(
            () => Execute("random", [random], algorithm: new Algorithms.RandomSearch(new Algorithms.RandomSearchOptions(CandidatesPerRound: 6))));
        Assert.Contains("per-round=5", otherOptions.Message);
        Assert.Throws<InvalidCheckpointException>(() => Execute("random+ensemble", [random])); // another verifier

        var relabelled = random with { Round = random.Round + 1 };
        Assert.Contains("disagree", Assert.Throws<InvalidCheckpointException>(() => Execute("random", [relabelled])).Message);
        var corrupted = random with { Payload = [.. random.Payload[..^1], (byte)(random.Payload[^1] ^ 0xFF)] };
        Assert.Contains("checksum", Assert.Throws<InvalidCheckpointException>(() => Execute("random", [corrupted])).Message);

        var flipped = random.Payload.ToArray();
        flipped[flipped.Length / 2] ^= 0x10;
        Assert.Contains("checksum", Assert.Throws<InvalidCheckpointException>(() => SearchCheckpoint.Read(flipped)).Message);
        Assert.Contains("checksum", Assert.Throws<InvalidCheckpointException>(() => SearchCheckpoint.Read(random.Payload[..^20])).Message);
        Assert.Contains("not a search checkpoint", Assert.Throws<InvalidCheckpointException>(() => SearchCheckpoint.Read([1, 2, 3])).Message);
        Assert.Contains("not a search checkpoint", Assert.Throws<InvalidCheckpointException>(() => SearchCheckpoint.Read(new byte[64])).Message);
    }

    /// <summary>The chain <paramref name="link"/> ends, read back from its bytes: the links of a run from its last base up to it.</summary>
    private static List<SearchCheckpoint> ChainTo(List<SearchCheckpoint> links, SearchCheckpoint link)
    {
        int end = links.IndexOf(link);
        int start = links.FindLastIndex(end, l => l.IsBase);
        return links.GetRange(start, end - start + 1).Select(l => SearchCheckpoint.Read(l.Payload.ToArray())).ToList();
    }

    private static void AssertSameResult(SearchResult expected, SearchResult actual, string what)
    {
        Assert.True(expected.Nfe == actual.Nfe, $"{what}: NFE {actual.Nfe}, expected {expected.Nfe}");
        Assert.Equal((expected.Algorithm, expected.Verifier, expected.Budget, expected.Rounds), (actual.Algorithm, actual.Verifier, actual.Budget, actual.Rounds));
        Assert.True(expected.Top.Select(c => c.Seed).SequenceEqual(actual.Top.Select(c => c.Seed)), $"{what}: top seeds differ");
        for (int i = 0; i < expected.Top.Count; i++)
        {
            Assert.Equal(expected.Top[i].Image, actual.Top[i].Image);
            Assert.Equal(expected.Top[i].Scores.Primary, actual.Top[i].Scores.Primary);
            Assert.Equal(expected.Top[i].Scores.ByVerifier, actual.Top[i].Scores.ByVerifier);
            Assert.Equal((expected.Top[i].Round, expected.Top[i].Origin), (actual.Top[i].Round, actual.Top[i].Origin));
        }
        // Every candidate scored along the way, with its score (earlier candidates' images are not kept unless needed).
        Assert.Equal(expected.AllScored.Select(Key), actual.AllScored.Select(Key));
    }

    private static string Key(Candidate c) => $"{c.Seed} r{c.Round} {c.Origin} {c.Scores.Primary:R}";

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<SearchProgress> report) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => report(value);
    }
}
