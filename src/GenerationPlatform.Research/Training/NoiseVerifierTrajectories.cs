using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// The trajectories train-noise-verifier learns from: per class, Heun trajectories of seeds of their own (disjoint from every
/// evaluation's), each capturing its x0-predictions at every grid time, and the classifier's score of each finished image.
/// </summary>
internal sealed record NoiseVerifierTrajectories(TrajectorySpec[] Specs, DenoiseOutcome[] Outcomes, double[] FinalScores)
{
    public static async Task<NoiseVerifierTrajectories> SampleAsync(CliModel net, TrainNoiseVerifierSettings settings, FashionClassifier classifier, CancellationToken ct)
    {
        int classes = ModelEvaluation.ClassCount, total = classes * settings.PerClass;
        var times = settings.Times;
        // Seeds of their own: request seeds derived from (seed, class) never coincide with eval's (seed * 1 000 003 + i).
        var specs = Enumerable.Range(0, total).Select(j => new TrajectorySpec(
            new NoiseSeed(settings.Seed ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(j % classes + 1)), 0, (uint)(j / classes)),
            j % classes, settings.Guidance, SamplerKind.Heun, settings.Steps, X0Times: times)).ToArray();
        var denoiser = new LocalDenoiser(net.Field, maxBatch: 128);
        var outcomes = new DenoiseOutcome[total];
        var bar = new ConsoleProgress("trajectories");
        const int chunk = 200;
        for (int start = 0; start < total; start += chunk)
        {
            var part = await denoiser.DenoiseAsync(specs[start..Math.Min(total, start + chunk)], ct);
            part.CopyTo(outcomes, start);
            bar.Report(Math.Min(total, start + chunk), total, "trajectories");
        }
        var finalScores = new ClassifierVerifier(classifier).Score(outcomes.Select((o, j) => new VerifierInput(o.State, specs[j].Label)).ToArray(), ct);
        return new NoiseVerifierTrajectories(specs, outcomes, finalScores);
    }
}
