using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation.Tests;

public sealed class EvaluationClassifierTests
{
    [Fact]
    public void GivesTenClassLogitsAndItsOwnFeatures()
    {
        using var model = new EvaluationClassifier();
        model.eval();
        using var x = rand(3, 1, 28, 28) * 2 - 1;
        using var logits = model.forward(x);
        using var features = model.Features(x);
        Assert.Equal([3L, 10L], logits.shape);
        Assert.Equal([3L, (long)EvaluationClassifier.FeatureDim], features.shape);
        Assert.NotEqual(FashionClassifier.FeatureDim, EvaluationClassifier.FeatureDim);
    }

    [Fact]
    public void TheShippedWeightsAreFloat16AFewMegabytesAndAnotherNetworkThanTheVerifiers()
    {
        var path = EvaluationClassifierFiles.DefaultWeightsPath;
        var size = new FileInfo(path).Length;
        Assert.InRange(size, 500_000, 5_000_000);
        var (tensors, meta) = SafeTensors.Load(path);
        Assert.Equal(EvaluationClassifier.Architecture, meta["architecture"]);
        Assert.Contains("train-eval-classifier", meta["description"]);
        // Stored as float16 (the loader widens to float32): every floating tensor's header entry says F16.
        var bytes = File.ReadAllBytes(path);
        var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, (int)BitConverter.ToInt64(bytes, 0)));
        var dtypes = header.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__").Select(e => e.Value.GetProperty("dtype").GetString()).ToList();
        Assert.Equal(tensors.Count, dtypes.Count);
        Assert.All(dtypes.Where(d => d!.StartsWith('F')), d => Assert.Equal("F16", d));
        var (verifierTensors, verifierMeta) = SafeTensors.Load(ClassifierFiles.DefaultWeightsPath);
        Assert.NotEqual(verifierMeta["architecture"], meta["architecture"]);
        // Where a layer name recurs its weights differ: in shape everywhere but the 10-way head's bias, and in value there.
        foreach (var name in tensors.Keys.Intersect(verifierTensors.Keys))
            Assert.False(tensors[name].shape.SequenceEqual(verifierTensors[name].shape) && tensors[name].allclose(verifierTensors[name], rtol: 0, atol: 0), name);
        Assert.Contains(tensors.Keys.Intersect(verifierTensors.Keys), n => !tensors[n].shape.SequenceEqual(verifierTensors[n].shape));
        foreach (var t in tensors.Values.Concat(verifierTensors.Values)) t.Dispose();
    }

    [Fact]
    public void NoVerifierCanLoadIt()
    {
        var evaluationWeights = EvaluationClassifierFiles.DefaultWeightsPath;
        // The verifiers' loader refuses its weights: another architecture.
        Assert.Throws<CheckpointException>(() => ClassifierFiles.Load(evaluationWeights));
        // Pointed at them, the catalogue's CNN-based verifiers fail to build rather than score with it.
        using (var misdirected = new VerifierCatalog(classifierPath: evaluationWeights))
        {
            Assert.Throws<CheckpointException>(() => misdirected.Get("classifier"));
            Assert.Throws<CheckpointException>(() => misdirected.Get("class-gaussian"));
        }
        // No verifier name resolves to it.
        using var catalog = new VerifierCatalog();
        foreach (var name in new[] { "evaluation", "evaluation-classifier", "eval-classifier", "onnx:evaluation-classifier" })
            Assert.Throws<UnknownVerifierException>(() => catalog.Get(name));
        // The verifier code cannot even name it: the verifiers' assembly does not reference the evaluation's.
        var verifierAssemblies = new[] { typeof(VerifierCatalog).Assembly, typeof(Search.AlgorithmCatalog).Assembly };
        Assert.All(verifierAssemblies, a => Assert.DoesNotContain(a.GetReferencedAssemblies(), r => r.Name == typeof(EvaluationClassifier).Assembly.GetName().Name));
        // The catalogue's default files are not the evaluation classifier's.
        Assert.NotEqual(EvaluationClassifierFiles.WeightsFileName, Path.GetFileName(ClassifierFiles.DefaultWeightsPath));
        Assert.NotEqual(EvaluationClassifierFiles.StatisticsFileName, Path.GetFileName(ClassifierFiles.DefaultStatisticsPath));
        // And the evaluation does not accidentally load the verifiers' CNN in its place.
        Assert.Throws<CheckpointException>(() => EvaluationClassifierFiles.Load(ClassifierFiles.DefaultWeightsPath));
    }

    [Fact]
    public void TheShippedClassifierReadsTestImages()
    {
        using var model = EvaluationClassifierFiles.Load();
        using var test = new DatasetTensors(FashionMnist.Load(train: false));
        using var images = test.Images.narrow(0, 0, 500);
        using var probabilities = EvaluationClassifierTrainer.Probabilities(model, images, batch: 250);
        using var predicted = probabilities.argmax(1);
        using var labels = test.Labels.narrow(0, 0, 500);
        using var hits = predicted.eq(labels).sum();
        Assert.True(hits.item<long>() >= 450, $"{hits.item<long>()} of 500 test images right");
        using var stats = EvaluationClassifierFiles.LoadStatistics();
        Assert.Equal([(long)EvaluationClassifier.FeatureDim], stats.Overall.Mean.shape);
        Assert.Equal(60_000, stats.Overall.Count);
    }
}
