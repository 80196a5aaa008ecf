using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Search.Algorithms;
using GenerationPlatform.Serving;
using Xunit.Abstractions;

namespace GenerationPlatform.Search.Tests;

/// <summary>
/// The bytes a search's checkpoints write grow with what it adds, not with what it holds each round: a random search of
/// two candidates a round, scored by a batch-relative ensemble (so every candidate's image stays in its state), checkpointed
/// every round on the analytic field.
/// </summary>
public sealed class CheckpointBytesTests(ITestOutputHelper output)
{
    private const int PerRound = 2;

    private sealed record Written(long Bytes, int Links, int Bases, long LastBase, long Whole);

    /// <summary>Runs <paramref name="rounds"/> rounds and sums the links' bytes (every link persisted as it is reported).</summary>
    private static Written Run(int rounds, CheckpointCadence cadence)
    {
        var request = new SearchRequest(2, 1f, 11, (long)rounds * PerRound, TopK: 2, Sampler: SamplerKind.Euler, Steps: 1);
        long bytes = 0, lastBase = 0;
        int links = 0, bases = 0;
        var progress = new Progress(p =>
        {
            if (p.Checkpoint is not { } link) return;
            (bytes, links) = (bytes + link.Payload.Length, links + 1);
            if (link.IsBase) (bases, lastBase) = (bases + 1, link.Payload.Length);
        });
        var context = new SearchContext(new LocalDenoiser(new GaussianField()), new VerifierPanel(new EnsembleVerifier([new MeanTargetVerifier(0.55), new TopHalfVerifier()])),
            new NfeBudget(request.BudgetNfe), progress, cadence: cadence);
        var result = new RandomSearch(new RandomSearchOptions(CandidatesPerRound: PerRound)).RunAsync(request, context, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(rounds, result.Rounds);
        // What one whole checkpoint of the last round holds: every candidate with its image.
        long whole = (long)rounds * PerRound * (784 * sizeof(float));
        return new Written(bytes, links, bases, lastBase, whole);
    }

    [Fact]
    public void ACheckpointedRandomSearchOf4096RoundsWritesBytesLinearInItsRounds()
    {
        var runs = new[] { 1024, 2048, 4096 }.Select(r => (Rounds: r, Written: Run(r, CheckpointCadence.EveryRound))).ToArray();
        foreach (var (rounds, w) in runs)
            output.WriteLine($"{rounds} rounds: {w.Links} links ({w.Bases} bases, the last {w.LastBase / 1e6:F1} MB), {w.Bytes / 1e6:F1} MB written; " +
                $"the candidates' images alone {w.Whole / 1e6:F1} MB");
        foreach (var (rounds, w) in runs)
        {
            Assert.Equal(rounds, w.Links); // a link every round
            // Linear: a few times what the last state holds (each candidate written about twice, each base at most twice the one before).
            Assert.True(w.Bytes < 5 * w.Whole, $"{rounds} rounds wrote {w.Bytes} bytes; the state holds {w.Whole}");
            Assert.True(w.Bases <= 2 + Math.Log2(rounds), $"{w.Bases} bases in {rounds} rounds");
        }
        for (int i = 1; i < runs.Length; i++)
        {
            double growth = (double)runs[i].Written.Bytes / runs[i - 1].Written.Bytes;
            Assert.True(growth < 2.5, $"doubling the rounds from {runs[i - 1].Rounds} to {runs[i].Rounds} multiplied the bytes by {growth:F2}");
        }
    }

    [Fact]
    public void WholeCheckpointsEveryRoundWouldGrowQuadratically()
    {
        // The measure tells the two apart: a chain of one link (every checkpoint a base) writes the whole state each round.
        var small = Run(128, CheckpointCadence.Synchronously(maxLinks: 1));
        var large = Run(256, CheckpointCadence.Synchronously(maxLinks: 1));
        double growth = (double)large.Bytes / small.Bytes;
        output.WriteLine($"whole every round: 128 rounds {small.Bytes / 1e6:F1} MB, 256 rounds {large.Bytes / 1e6:F1} MB (x{growth:F2})");
        Assert.Equal((128, 256), (small.Bases, large.Bases));
        Assert.True(growth > 3.5, $"x{growth:F2}");
    }

    private sealed class Progress(Action<SearchProgress> report) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => report(value);
    }
}
