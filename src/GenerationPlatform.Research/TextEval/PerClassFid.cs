using System.Globalization;
using System.Text;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// Per-class FID of a text model's images: for each class, <c>n</c> samples of its class-by-name benchmark prompt, read as
/// their brightest channel (which undoes the colouring), against the test set's images of that class as the colour
/// recipe derives them (footwear flipped as the recipe flips it, so the reference faces both ways like the training
/// data), in the evaluation classifier's 128-d features; next to the floor, <c>n</c> derived training images of the class
/// against the same test images.
/// </summary>
internal static class PerClassFid
{
    public static string Run(CliModel net, IReadOnlyList<BenchmarkPrompt> benchmark, ITextEncoder encoder, TextBenchmarkGrader grader, int n, int steps, float guidance,
        ulong seed, string? data, CancellationToken ct)
    {
        using var test = new DatasetTensors(FashionMnist.Load(train: false, data));
        using var train = new DatasetTensors(FashionMnist.Load(train: true, data));
        var testLabels = test.Labels.data<long>().ToArray();
        var trainLabels = train.Labels.data<long>().ToArray();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Per-class FID of the brightest channel, {n} samples per class (Heun {steps} steps, guidance {guidance}), "
            + $"features of the evaluation classifier (docs/MODEL.md); floor: {n} training images of the class against the same test images.");
        sb.AppendLine();
        sb.AppendLine("| class | prompt | FID | floor (train vs test, equal n) | ratio |");
        sb.AppendLine("|---|---|---|---|---|");
        var sampler = new TrajectorySampler(net.Field, 128);
        for (int c = 0; c < FashionMnist.ClassCount; c++)
        {
            ct.ThrowIfCancellationRequested();
            var prompt = benchmark.FirstOrDefault(b => b.Category == "class-name" && b.Class == c)?.Prompt ?? $"a {FashionMnist.ClassNames[c].ToLowerInvariant()}";
            var embedding = encoder.Encode([prompt], ct)[0];
            var trajectories = Enumerable.Range(0, n).Select(i => sampler.Create(
                new TrajectorySpec(new NoiseSeed(seed * 1_000_003UL + (ulong)c, 0, (uint)i), -1, guidance, SamplerKind.Heun, steps, Embedding: embedding))).ToList();
            sampler.Run(trajectories, ct);
            var gray = trajectories.SelectMany(t => ColourFashion.Luminance(net.Image(t.State))).ToArray();
            using var scope = NewDisposeScope();
            var generated = tensor(gray, [n, 1, 28, 28]).clamp_(-1, 1);
            // The class's test images, through the recipe, once: both the samples and the floor are measured against them.
            var (testMean, testCov) = Moments(grader, Class(test.Images, testLabels, c, int.MaxValue));
            double fid = Fid(grader, generated, testMean, testCov);
            double floor = Fid(grader, Class(train.Images, trainLabels, c, n), testMean, testCov);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {FashionMnist.ClassNames[c]} | {prompt} | {fid:F2} | {floor:F2} | {fid / floor:F1}x |");
            Console.Error.WriteLine($"per-class FID {FashionMnist.ClassNames[c]}: {fid:F2} (floor {floor:F2})");
        }
        return sb.ToString();
    }

    /// <summary>Up to <paramref name="max"/> images of class <paramref name="c"/>, each through the colour recipe and back to its brightest channel.</summary>
    private static Tensor Class(Tensor images, long[] labels, int c, int max)
    {
        var flat = images.data<float>();
        var index = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Take(max).ToArray();
        var derived = new float[index.Length * 784];
        for (int k = 0; k < index.Length; k++)
        {
            var gray = new float[784];
            for (int p = 0; p < 784; p++) gray[p] = flat[index[k] * 784L + p];
            ColourFashion.Luminance(ColourFashion.Colourise(gray, c, index[k]).Rgb).CopyTo(derived, k * 784);
        }
        return tensor(derived, [index.Length, 1, 28, 28]);
    }

    private static (Tensor Mean, Tensor Covariance) Moments(TextBenchmarkGrader grader, Tensor images)
    {
        using var features = grader.Features(images);
        return FeatureStatistics.Moments(features);
    }

    private static double Fid(TextBenchmarkGrader grader, Tensor a, Tensor referenceMean, Tensor referenceCovariance)
    {
        var (ma, ca) = Moments(grader, a);
        try { return FrechetDistance.Compute(ma, ca, referenceMean, referenceCovariance); }
        finally { ma.Dispose(); ca.Dispose(); }
    }
}
