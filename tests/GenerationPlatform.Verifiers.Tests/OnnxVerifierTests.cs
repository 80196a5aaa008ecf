using GenerationPlatform.Verifiers.Onnx;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests;

public sealed class OnnxVerifierTests : IDisposable
{
    private const int Pixels = 28 * 28;
    private readonly string dir = Directory.CreateTempSubdirectory("onnx-verifier-").FullName;
    private readonly float[] weights = RandomValues(Pixels * 10, seed: 1, scale: 0.05);
    private readonly float[] bias = RandomValues(10, seed: 2, scale: 0.5);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static float[] RandomValues(int count, int seed, double scale)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static VerifierInput[] Images(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i => new VerifierInput(
            Enumerable.Range(0, Pixels).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), i % 10)).ToArray();
    }

    private string Save(byte[] model, string name = "model.onnx")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    private OnnxVerifierSpec LinearSpec(string score, int batch = 0) => new()
    {
        Path = Save(TestOnnxModels.Linear(weights, bias, batch: batch), $"linear-{batch}.onnx"),
        Input = "image", Output = "logits", Score = score, FlopsPerImage = 2.0 * 784 * 10,
    };

    /// <summary>z = x W + b in double, for an input already laid out as the model sees it.</summary>
    private static double[] Logits(ReadOnlySpan<float> x, float[] w, float[] b)
    {
        int classes = b.Length;
        var z = b.Select(v => (double)v).ToArray();
        for (int i = 0; i < x.Length; i++)
            for (int c = 0; c < classes; c++) z[c] += (double)x[i] * w[i * classes + c];
        return z;
    }

    [Fact]
    public void ClassScoresMatchAnIndependentComputation()
    {
        var batch = Images(13, seed: 3);
        using var logit = new OnnxVerifier("lin", LinearSpec(OnnxScoreKinds.LogitOfClass));
        using var logSoftmax = new OnnxVerifier("lin", LinearSpec(OnnxScoreKinds.LogSoftmaxOfClass));
        using var softmax = new OnnxVerifier("lin", LinearSpec(OnnxScoreKinds.SoftmaxOfClass));
        var (a, b, c) = (logit.Score(batch), logSoftmax.Score(batch), softmax.Score(batch));
        for (int i = 0; i < batch.Length; i++)
        {
            var z = Logits(batch[i].Image, weights, bias);
            int label = batch[i].Label;
            double logSum = Math.Log(z.Sum(Math.Exp));
            Assert.Equal(z[label], a[i], 4);
            Assert.Equal(z[label] - logSum, b[i], 4);
            Assert.Equal(Math.Exp(z[label] - logSum), c[i], 5);
        }
        Assert.Equal("onnx:lin", logit.Name);
        Assert.True(logit.Batched);
        Assert.Equal(10, logit.Classes);
        Assert.Equal(new VerifierCost(1, 13, logit.Cost.WallTime), logit.Cost);
        Assert.True(logit.Cost.WallTime > TimeSpan.Zero);
    }

    [Fact]
    public void ClassInputReceivesTheRequestedLabel()
    {
        var table = RandomValues(100, seed: 4, scale: 1);
        var spec = new OnnxVerifierSpec
        {
            FlopsPerImage = 1e6,
            Path = Save(TestOnnxModels.Conditional(weights, table)), Input = "image", ClassInput = "label", Output = "score", Score = OnnxScoreKinds.Scalar,
        };
        using var verifier = new OnnxVerifier("cond", spec);
        var batch = Images(10, seed: 5).Select((x, i) => x with { Label = (i * 7) % 10 }).ToArray();
        var scores = verifier.Score(batch);
        for (int i = 0; i < batch.Length; i++)
        {
            var z = Logits(batch[i].Image, weights, new float[10]);
            double expected = Enumerable.Range(0, 10).Sum(j => z[j] * table[batch[i].Label * 10 + j]);
            Assert.Equal(expected, scores[i], 4);
        }
        // The same image under two labels scores differently: the label really reaches the model.
        var twice = verifier.Score([batch[0] with { Label = 2 }, batch[0] with { Label = 8 }]);
        Assert.NotEqual(twice[0], twice[1], 3);
    }

    [Fact]
    public void ScoresStayWithTheirImagesWhateverTheOrder()
    {
        var spec = LinearSpec(OnnxScoreKinds.LogitOfClass);
        spec.MaxBatch = 8; // 37 images: five calls, the last one partial
        using var verifier = new OnnxVerifier("lin", spec);
        var batch = Images(37, seed: 6);
        var reference = verifier.Score(batch);
        Assert.Equal(1, verifier.Cost.Calls); // one measured call, however many model runs
        var rng = new Random(7);
        Parallel.For(0, 8, k =>
        {
            int[] order;
            lock (rng) order = Enumerable.Range(0, batch.Length).OrderBy(_ => rng.Next()).ToArray();
            var shuffled = verifier.Score(order.Select(i => batch[i]).ToArray());
            for (int j = 0; j < order.Length; j++) Assert.Equal(reference[order[j]], shuffled[j]);
        });
        Assert.Equal(9, verifier.Cost.Calls);
        Assert.Equal(9 * 37, verifier.Cost.Images);
        Assert.Equal(reference.Distinct().Count(), reference.Length); // distinct scores, so a swap could not pass unnoticed
    }

    [Fact]
    public void FixedBatchOfOneRunsImageByImage()
    {
        using var fixedOne = new OnnxVerifier("one", LinearSpec(OnnxScoreKinds.LogitOfClass, batch: 1));
        using var symbolic = new OnnxVerifier("any", LinearSpec(OnnxScoreKinds.LogitOfClass));
        Assert.False(fixedOne.Batched);
        Assert.Equal(1, fixedOne.MaxBatch);
        var batch = Images(6, seed: 8);
        var expected = symbolic.Score(batch);
        var actual = fixedOne.Score(batch);
        for (int i = 0; i < batch.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void RangeNormalizationChannelsAndResizeAreApplied()
    {
        const int side = 14, channels = 3, d = channels * side * side;
        var w = RandomValues(d * 4, seed: 9, scale: 0.01);
        var b = RandomValues(4, seed: 10, scale: 0.1);
        float[] mean = [120f, 100f, 80f], std = [60f, 50f, 40f];
        var spec = new OnnxVerifierSpec
        {
            FlopsPerImage = 1e6,
            Path = Save(TestOnnxModels.Linear(w, b, channels, side), "rgb14.onnx"), Input = "image", Output = "logits",
            ImageSize = side, Channels = channels, Range = [0, 255], Mean = mean, Std = std, Score = OnnxScoreKinds.LogitOfClass,
        };
        using var verifier = new OnnxVerifier("rgb", spec);
        var batch = Images(5, seed: 11).Select((x, i) => x with { Label = i % 4 }).ToArray();
        var scores = verifier.Score(batch);
        for (int n = 0; n < batch.Length; n++)
        {
            // Halving with half-pixel bilinear taps averages each 2x2 block.
            var x = new float[d];
            var img = batch[n].Image;
            for (int y = 0; y < side; y++)
                for (int xx = 0; xx < side; xx++)
                {
                    double avg = (img[2 * y * 28 + 2 * xx] + img[2 * y * 28 + 2 * xx + 1] + img[(2 * y + 1) * 28 + 2 * xx] + img[(2 * y + 1) * 28 + 2 * xx + 1]) / 4.0;
                    double v255 = (avg + 1) / 2 * 255;
                    for (int c = 0; c < channels; c++) x[c * side * side + y * side + xx] = (float)((v255 - mean[c]) / std[c]);
                }
            Assert.Equal(Logits(x, w, b)[batch[n].Label], scores[n], 3);
        }
    }

    [Fact]
    public void DefaultRangeFeedsImagesAsTheyAre()
    {
        var spec = LinearSpec(OnnxScoreKinds.LogitOfClass);
        using var verifier = new OnnxVerifier("lin", spec);
        var image = Images(1, seed: 12)[0].Image;
        var fed = new float[Pixels];
        verifier.Preprocess(image, fed);
        for (int i = 0; i < Pixels; i++) Assert.Equal(image[i], fed[i], 1e-6);
        spec.Range = [0, 1];
        using var unit = new OnnxVerifier("unit", spec);
        unit.Preprocess(image, fed);
        for (int i = 0; i < Pixels; i++) Assert.Equal((image[i] + 1) / 2, fed[i], 1e-6);
    }

    private static string ContractError(OnnxVerifierSpec spec) =>
        Assert.Throws<OnnxContractException>(() => new OnnxVerifier("bad", spec)).Message;

    [Fact]
    public void WrongInputNameNamesTheKeyAndTheModelsInputs()
    {
        var spec = LinearSpec(OnnxScoreKinds.LogitOfClass);
        spec.Input = "pixels";
        var message = ContractError(spec);
        Assert.StartsWith("onnx:bad: Input: expected an input named 'pixels', found inputs 'image' float [N, 1, 28, 28]", message);
    }

    [Fact]
    public void WrongChannelsAndSizeSayConfiguredAgainstFound()
    {
        var spec = LinearSpec(OnnxScoreKinds.LogitOfClass);
        spec.Channels = 3;
        Assert.Equal("onnx:bad: Channels: configured 3, but input 'image' [N, 1, 28, 28] has 1 channels", ContractError(spec));
        spec.Channels = 1;
        spec.ImageSize = 32;
        Assert.Equal("onnx:bad: ImageSize: configured 32, but input 'image' [N, 1, 28, 28] is 28x28", ContractError(spec));
    }

    [Fact]
    public void WrongOutputRankOrNameIsReported()
    {
        var spec = LinearSpec(OnnxScoreKinds.Scalar);
        Assert.Equal("onnx:bad: Score: 'scalar' expects output 'logits' of rank 1 [N] or [N, 1], found rank 2 [N, 10]", ContractError(spec));
        var conditional = new OnnxVerifierSpec
        {
            FlopsPerImage = 1e6,
            Path = Save(TestOnnxModels.Conditional(weights, new float[100]), "cond.onnx"), Input = "image", ClassInput = "label", Output = "score",
            Score = OnnxScoreKinds.LogitOfClass,
        };
        Assert.Equal("onnx:bad: Score: 'logit-of-class' expects output 'score' of rank 2 [N, C], found rank 1 [N]", ContractError(conditional));
        conditional.Output = "logits";
        Assert.Equal("onnx:bad: Output: expected an output named 'logits', found outputs 'score' float [N]", ContractError(conditional));
    }

    [Fact]
    public void MissingOrMisnamedClassInputIsReported()
    {
        var spec = new OnnxVerifierSpec
        {
            FlopsPerImage = 1e6,
            Path = Save(TestOnnxModels.Conditional(weights, new float[100]), "cond.onnx"), Input = "image", Output = "score",
        };
        Assert.Equal("onnx:bad: the model has inputs the contract does not feed: 'label' int64 [N]; set ClassInput if one of them takes the class (int64 [N])",
            ContractError(spec));
        spec.ClassInput = "class";
        Assert.StartsWith("onnx:bad: ClassInput: expected an input named 'class', found inputs ", ContractError(spec));
        spec.ClassInput = "image";
        Assert.Equal("onnx:bad: ClassInput: 'image' is also the image Input", ContractError(spec));
    }

    [Fact]
    public void ConfigurationProblemsNameTheirKeysBeforeLoading()
    {
        var spec = new OnnxVerifierSpec
        {
            FlopsPerImage = 1e6, Path = Path.Combine(dir, "absent.onnx"), Input = "image", Output = "", Channels = 2, Range = [1, 0], Score = "probability",
        };
        var message = ContractError(spec);
        Assert.Contains("Output: required", message);
        Assert.Contains("Channels: 2 is not 1 or 3", message);
        Assert.Contains("Range: expected [low, high] with low < high, found [1, 0]", message);
        Assert.Contains("Score: 'probability' is not one of scalar, logit-of-class, log-softmax-of-class, softmax-of-class", message);
        spec = LinearSpec(OnnxScoreKinds.LogitOfClass);
        spec.Path = Path.Combine(dir, "absent.onnx");
        Assert.Equal($"onnx:bad: Path: model file not found: {spec.Path}", ContractError(spec));
        spec.Path = Save([1, 2, 3], "garbage.onnx");
        Assert.StartsWith("onnx:bad: Path: ONNX Runtime cannot load", ContractError(spec));
    }

    [Fact]
    public void LabelsOutsideTheOutputsClassesAreRejected()
    {
        using var verifier = new OnnxVerifier("lin", LinearSpec(OnnxScoreKinds.LogitOfClass));
        var image = Images(1, seed: 13)[0];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => verifier.Score([image, image with { Label = 10 }]));
        Assert.Contains("input 1 has label 10, outside 0..9", e.Message);
        Assert.Equal(0, verifier.Cost.Calls);
    }

    [Fact]
    public void JsonSpecResolvesItsModelNextToItself()
    {
        Save(TestOnnxModels.Linear(weights, bias), "linear.onnx");
        var file = Path.Combine(dir, "linear.json");
        File.WriteAllText(file, """
            // an operator's verifier
            { "path": "linear.onnx", "input": "image", "output": "logits", "score": "log-softmax-of-class", "range": [-1, 1], "flopsPerImage": 15680, }
            """);
        var spec = OnnxVerifierSpec.FromJsonFile(file);
        Assert.Equal(Path.Combine(dir, "linear.onnx"), spec.ResolvedPath);
        Assert.Equal(OnnxScoreKinds.LogSoftmaxOfClass, spec.Score);
        using var verifier = new OnnxVerifier("json", spec);
        Assert.Single(verifier.Score(Images(1, seed: 14)));
        File.WriteAllText(file, "{ \"path\": 3 ");
        Assert.StartsWith($"{file}: not a valid ONNX verifier spec", Assert.Throws<InvalidDataException>(() => OnnxVerifierSpec.FromJsonFile(file)).Message);
    }

    [Fact]
    public void RegistryProblemsCarryTheirConfigurationPath()
    {
        var registry = new OnnxVerifierRegistry();
        registry.Onnx["ok"] = LinearSpec(OnnxScoreKinds.LogitOfClass);
        registry.Onnx["a,b"] = new OnnxVerifierSpec { FlopsPerImage = 1e6, Path = "x.onnx", Input = "image", Output = "y", Channels = 4 };
        var problems = registry.Problems();
        Assert.Equal(2, problems.Count);
        Assert.Contains("GenerationPlatform:Verifiers:Onnx:a,b: the name 'a,b' must be non-empty, without spaces, parentheses, commas or colons", problems);
        Assert.Contains("GenerationPlatform:Verifiers:Onnx:a,b:Channels: 4 is not 1 or 3", problems);
    }

    [Fact]
    public void CatalogResolvesRegisteredNamesAloneAndInEnsembles()
    {
        var registry = new Dictionary<string, OnnxVerifierSpec> { ["Linear"] = LinearSpec(OnnxScoreKinds.LogSoftmaxOfClass) };
        using var catalog = new VerifierCatalog(onnxVerifiers: registry);
        var onnx = catalog.Get("onnx:Linear");
        Assert.IsType<OnnxVerifier>(onnx);
        Assert.Equal("onnx:linear", onnx.Name); // normalized, as the catalog normalizes every name
        Assert.Same(onnx, catalog.Get(" ONNX:linear "));

        var ensemble = Assert.IsType<EnsembleVerifier>(catalog.Get("ensemble(classifier, onnx:linear)"));
        Assert.Equal("ensemble(classifier,onnx:linear)", ensemble.Name);
        Assert.Same(onnx, ensemble.Members[1]);
        var batch = Images(6, seed: 15);
        var scores = ensemble.Score(batch);
        var classifierRanks = EnsembleVerifier.Ranks(ensemble.Members[0].Score(batch));
        var onnxRanks = EnsembleVerifier.Ranks(onnx.Score(batch));
        for (int i = 0; i < batch.Length; i++) Assert.Equal(-(classifierRanks[i] + onnxRanks[i]) / 2, scores[i], 9);

        var unknown = Assert.Throws<UnknownVerifierException>(() => catalog.Get("ensemble(classifier,onnx:nope)"));
        Assert.Equal("unknown verifier 'onnx:nope': registered ONNX verifiers: onnx:Linear", unknown.Message);
        using var empty = new VerifierCatalog();
        Assert.StartsWith("unknown verifier 'onnx:linear': no ONNX verifiers are registered", Assert.Throws<UnknownVerifierException>(() => empty.Get("onnx:linear")).Message);
        Assert.Contains("onnx:Linear", Assert.Throws<UnknownVerifierException>(() => catalog.Get("clasifier")).Message);
    }
}
