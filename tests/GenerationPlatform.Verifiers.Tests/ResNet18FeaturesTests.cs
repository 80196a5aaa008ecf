using GenerationPlatform.Verifiers.ResNet;
using Microsoft.ML.OnnxRuntime;

namespace GenerationPlatform.Verifiers.Tests;

[Collection(ResNetCollection.Name)]
public sealed class ResNet18FeaturesTests(ResNetFixture fixture)
{
    private readonly ResNet18Features resnet = fixture.Features;

    [Fact]
    public void ModelShipsWithTheBuildAndIsMadeBatchable()
    {
        Assert.True(File.Exists(Path.Combine(ResNet18Features.DefaultModelDirectory, ResNet18Features.ModelFile)));
        Assert.True(resnet.Batched, resnet.Rewrite.FallbackReason);
        Assert.Equal([-1, 3, 224, 224], resnet.InputDimensions);
        Assert.Equal([-1, 512, 1, 1], resnet.OutputDimensions);
        // Nothing inside the graph can pin the batch: no Reshape/Flatten/Gemm, only per-sample operators.
        Assert.Equal(["Add", "AveragePool", "BatchNormalization", "Conv", "MaxPool", "Relu"], resnet.Rewrite.OpTypes.Order(StringComparer.Ordinal));
        Assert.True(resnet.Rewrite.DimsRewritten >= 2);
    }

    [Fact]
    public void BatchOfFourEqualsFourSingleCalls()
    {
        float[][] images = [Shapes.Rectangle(), Shapes.Disk(), Shapes.Random(1), Shapes.Noisy(Shapes.Disk(10, 12, 6), 0.2, 2)];
        var batch = resnet.Extract(images);
        Assert.Equal(4, batch.Length);
        for (int i = 0; i < images.Length; i++)
        {
            var single = resnet.Extract([images[i]])[0];
            Assert.Equal(ResNet18Features.FeatureDim, single.Length);
            float scale = Math.Max(1f, single.Max(Math.Abs));
            for (int j = 0; j < single.Length; j++)
                Assert.True(Math.Abs(single[j] - batch[i][j]) <= 1e-4f * scale, $"image {i} feature {j}: single {single[j]}, batched {batch[i][j]}");
        }
        // The four images really differ, so equality above is not vacuous.
        Assert.True(ResNet18Features.Cosine(batch[0], batch[1]) < 0.999);
    }

    [Fact]
    public void RewrittenModelMatchesTheModelAsShipped()
    {
        using var shipped = new ResNet18Features(new ResNet18Options(Batched: false));
        Assert.False(shipped.Batched);
        Assert.Equal([1, 3, 224, 224], shipped.InputDimensions);
        var image = Shapes.Disk();
        var a = shipped.Extract([image])[0];
        var b = resnet.Extract([image])[0];
        for (int j = 0; j < a.Length; j++) Assert.True(Math.Abs(a[j] - b[j]) <= 1e-4f * Math.Max(1f, Math.Abs(a[j])), $"feature {j}: {a[j]} vs {b[j]}");
    }

    [Fact]
    public void PreprocessingMatchesMlNetsPreprocessingGraph()
    {
        var image = Shapes.Noisy(Shapes.Disk(), 0.3, 7);
        var ours = new float[3 * 224 * 224];
        ResNet18Features.Preprocess(image, ours, resnet.MeanImage);

        // What ML.NET would feed ResNetPreprocess.onnx: R, G, B planes of 0..255 values (our upsampled gray, three times).
        var rgb = new float[3 * 224 * 224];
        ResNet18Features.Preprocess(image, rgb, new float[3 * 224 * 224]);
        using var session = new InferenceSession(Path.Combine(ResNet18Features.DefaultModelDirectory, ResNet18Features.PreprocessFile));
        using var input = OrtValue.CreateTensorValueFromMemory(rgb, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        var theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        for (int i = 0; i < theirs.Length; i++) Assert.True(Math.Abs(theirs[i] - ours[i]) < 1e-3f, $"value {i}: {theirs[i]} vs {ours[i]}");

        // Scale: -1 is 0, +1 is 255; a flat image stays flat after resizing.
        Assert.InRange(rgb.Min(), 0f, 255f);
        Assert.InRange(rgb.Max(), 0f, 255f);
        var flat = new float[3 * 224 * 224];
        ResNet18Features.Preprocess(Enumerable.Repeat(0.2f, 784).ToArray(), flat, new float[3 * 224 * 224]);
        Assert.All(flat, v => Assert.Equal(1.2f * 127.5f, v, 3));
    }

    [Fact]
    public void PerturbedCopyIsCloserThanADifferentShape()
    {
        var rectangle = Shapes.Rectangle();
        // Slightly perturbed: moved one pixel right and a little dimmer.
        var moved = Shapes.Rectangle(9, 5, 21, 23).Select(v => v > 0 ? 0.75f : v).ToArray();
        var f = resnet.Extract([rectangle, moved, Shapes.Disk(), Shapes.Noisy(rectangle, 0.05, 3)]);
        double perturbed = ResNet18Features.Cosine(f[0], f[1]);
        double different = ResNet18Features.Cosine(f[0], f[2]);
        Assert.True(perturbed > different, $"cos(rectangle, perturbed) = {perturbed:F4}, cos(rectangle, disk) = {different:F4}");
        Assert.True(perturbed > 0.95, $"cos(rectangle, perturbed) = {perturbed:F4}");
        // Pixel noise on the black background reads as texture to an ImageNet network (about 0.8 at
        // sigma 0.05), yet the noisy rectangle is still nearer the rectangle than the disk is.
        double noisy = ResNet18Features.Cosine(f[0], f[3]);
        Assert.True(noisy > different, $"cos(rectangle, noisy) = {noisy:F4}, cos(rectangle, disk) = {different:F4}");
    }

    [Fact]
    public void WrongSizedImageIsRejectedByIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => resnet.Extract([Shapes.Disk(), new float[100]]));
        Assert.Contains("image 1", e.Message);
    }

    [Fact]
    public void CosineOfAVectorWithItselfIsOne()
    {
        float[] v = [1, 2, 3, 0];
        Assert.Equal(1.0, ResNet18Features.Cosine(v, v), 12);
        Assert.Equal(0.0, ResNet18Features.Cosine(v, [0, 0, 0, 0]));
    }
}
