using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Tests.Training;

/// <summary>Tuning a text model's prompt projection: pairs move to their teachers, anchors and the null condition stay, the U-Net is untouched.</summary>
public sealed class TextProjectionTunerTests
{
    private static VelocityUNet TinyTextModel()
    {
        random.manual_seed(11);
        var model = new VelocityUNet(new UNetConfig(BaseChannels: 8, Multipliers: [1, 1, 1], EmbeddingDim: 32, Classes: 0, Dropout: 0, AttentionHeads: 1,
            ImageChannels: 3, Height: 8, Width: 8, TextEmbedding: 12));
        model.eval();
        return model;
    }

    [Fact]
    public void PairsMoveToTheirTeachersWhileAnchorsTheNullConditionAndTheUNetStay()
    {
        using var model = TinyTextModel();
        var projection = model.TextProjection!;
        random.manual_seed(12);
        // Words the model never heard lie apart from the ones it knows, as synonyms do in the sentence encoder's space.
        using var pairs = randn(16, 12) * 0.3 + full(1, 12, 3f);
        using var teachers = randn(16, 12);
        using var anchors = randn(128, 12);
        var others = model.named_parameters().Where(p => !p.name.StartsWith("textProject", StringComparison.Ordinal)).Select(p => (p.name, p.parameter.clone())).ToArray();
        Assert.NotEmpty(others);
        using var pairTargets = TextProjectionTuner.Project(projection, teachers);
        using var anchorBefore = TextProjectionTuner.Project(projection, anchors);
        using var nullBefore = TextProjectionTuner.Project(projection, zeros(1, 12));
        double before = TextProjectionTuner.MeanDistance(TextProjectionTuner.Project(projection, pairs), pairTargets);

        TextProjectionTuner.Tune(model, pairs, teachers, anchors, new TextProjectionTuningOptions(Steps: 1_000, BatchSize: 64, LearningRate: 1e-2, AnchorWeight: 4, Seed: 3));

        double after = TextProjectionTuner.MeanDistance(TextProjectionTuner.Project(projection, pairs), pairTargets);
        Assert.True(after < 0.5 * before, $"pairs' distance to their teachers {before:F3} -> {after:F3}");
        double spread = TextProjectionTuner.MeanDistance(anchorBefore, anchorBefore.mean([0], keepdim: true).expand_as(anchorBefore));
        double drift = TextProjectionTuner.MeanDistance(TextProjectionTuner.Project(projection, anchors), anchorBefore);
        Assert.True(drift < 0.25 * spread, $"anchors moved {drift:F3} against a spread of {spread:F3}");
        Assert.True(TextProjectionTuner.MeanDistance(TextProjectionTuner.Project(projection, zeros(1, 12)), nullBefore) < 0.25 * spread);
        foreach (var (name, value) in others)
            Assert.True(value.allclose(model.named_parameters().Single(p => p.name == name).parameter, rtol: 0, atol: 0), $"{name} changed");
    }

    [Fact]
    public void AClassModelAndMisshapenInputsAreRefused()
    {
        using var classModel = new VelocityUNet(new UNetConfig(BaseChannels: 8, Multipliers: [1, 1, 1], EmbeddingDim: 16, Height: 8, Width: 8));
        Assert.Null(classModel.TextProjection);
        Assert.Throws<ArgumentException>(() => TextProjectionTuner.Tune(classModel, zeros(4, 12), zeros(4, 12), zeros(4, 12), new TextProjectionTuningOptions()));
        using var model = TinyTextModel();
        Assert.Throws<ArgumentException>(() => TextProjectionTuner.Tune(model, zeros(4, 12), zeros(5, 12), zeros(4, 12), new TextProjectionTuningOptions()));
        Assert.Throws<ArgumentException>(() => TextProjectionTuner.Tune(model, zeros(4, 11), zeros(4, 11), zeros(4, 12), new TextProjectionTuningOptions()));
    }
}
