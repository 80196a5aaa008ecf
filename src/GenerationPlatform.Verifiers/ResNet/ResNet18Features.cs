using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// ImageNet-pretrained ResNet-18 features (512-d, after the global 7x7 average pool) of 28x28
/// grayscale images in [-1, 1], from the ONNX model in the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (a CNTK export: input "Input247" [1, 3, 224, 224],
/// output "Pooling395_Output_0" [1, 512, 1, 1]).
/// <para>
/// Input convention, as ML.NET feeds it: ML.NET extracts pixels as R, G, B planes of raw 0..255
/// values, then runs ResNetPreprocess.onnx, whose graph is exactly Split(axis 1) into R, G, B;
/// Concat(B, G, R); Sub(MeanImage), MeanImage being a [1, 3, 224, 224] per-pixel BGR mean (channel
/// means about 103, 116, 123: the Caffe/CNTK ImageNet means; no division by a standard deviation).
/// We reproduce that: x in [-1, 1] becomes (x + 1) * 127.5 in 0..255, is resized 28 -> 224 bilinearly
/// (half-pixel centres, edges clamped), replicated to three channels, and the mean image read from
/// ResNetPreprocess.onnx is subtracted. The channel swap is a no-op for gray images.
/// </para>
/// <para>
/// The shipped graph has a fixed batch of 1; <see cref="OnnxBatching"/> makes it symbolic at load time
/// so a batch runs in one call. Thread-safe (ONNX Runtime's Run is); dispose to free the session.
/// </para>
/// </summary>
public sealed class ResNet18Features : IDisposable
{
    /// <summary>
    /// FLOPs of one 224x224 forward pass: 2 x 1.814 G multiply-adds, torchvision's published figure for ResNet-18
    /// (1.82 GMACs), which the ONNX graph here shares up to its pooled features (no classifier layer).
    /// </summary>
    public const double ForwardFlops = 2 * 1.814e9;

    public const int FeatureDim = 512;
    public const int InputSide = 224;
    public const int Channels = 3;
    public const int SourceSide = 28;
    public const string ModelFile = "ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessFile = "ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const int PlaneSize = InputSide * InputSide;
    private const int ImageSize = Channels * PlaneSize;

    private readonly InferenceSession session;
    private readonly float[] meanImage;
    private readonly int maxBatch;
    private static readonly (int Low, int High, float Weight)[] Taps = BilinearTaps(SourceSide, InputSide);

    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>Which of the two model files is not there and where it comes from; null when both are.</summary>
    public static string? MissingFile(ResNet18Options? options)
    {
        var dir = options?.ModelDirectory ?? DefaultModelDirectory;
        var missing = new[] { ModelFile, PreprocessFile }.Select(f => Path.Combine(dir, f)).FirstOrDefault(p => !File.Exists(p));
        return missing is null ? null
            : $"ResNet-18 model file not found: {missing} (it ships in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, which copies it to " +
              "DnnImageModels/ in the build output; builds with -p:GenPlatResNetModel=false leave it out, as infra/gpu/bundle.sh does unless given --resnet)";
    }

    public ResNet18Features(ResNet18Options? options = null)
    {
        options ??= new ResNet18Options();
        if (options.MaxBatch <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxBatch must be positive");
        if (MissingFile(options) is { } missing) throw new CheckpointException(missing);
        var dir = options.ModelDirectory ?? DefaultModelDirectory;
        var modelPath = Path.Combine(dir, ModelFile);
        var prepPath = Path.Combine(dir, PreprocessFile);
        meanImage = LoadMeanImage(prepPath);

        var bytes = File.ReadAllBytes(modelPath);
        Rewrite = options.Batched
            ? OnnxBatching.MakeBatchSymbolic(bytes)
            : new OnnxBatchRewrite(bytes, false, 0, "batching turned off in the options", new HashSet<string>());
        maxBatch = Rewrite.Batched ? options.MaxBatch : 1;

        // The GPU build asks for the CUDA provider and, without a usable one on this machine, runs on the CPU provider.
        using var sessionOptions = OnnxSessions.Options(new OnnxSessionSettings(OnnxDevice.Auto, Math.Max(0, options.IntraOpThreads)), out var device, out _);
        ExecutionProvider = device == OnnxDevice.Cuda ? "CUDA" : "CPU";
        session = new InferenceSession(Rewrite.Model, sessionOptions);
        Rewrite = Rewrite with { Model = [] }; // the session holds its own copy; drop ours (63 MB)

        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
            throw new OnnxFormatException($"{modelPath}: expected one input and one output, found {session.InputMetadata.Count} and {session.OutputMetadata.Count}");
        (InputName, var input) = session.InputMetadata.Single();
        (OutputName, var output) = session.OutputMetadata.Single();
        if (!input.Dimensions.Skip(1).SequenceEqual([Channels, InputSide, InputSide]))
            throw new OnnxFormatException($"{modelPath}: input '{InputName}' is [{string.Join(", ", input.Dimensions)}], expected [N, 3, 224, 224]");
        if (output.Dimensions.Skip(1).Aggregate(1, (a, b) => a * b) != FeatureDim)
            throw new OnnxFormatException($"{modelPath}: output '{OutputName}' is [{string.Join(", ", output.Dimensions)}], expected 512 features per image");
        InputDimensions = input.Dimensions;
        OutputDimensions = output.Dimensions;
    }

    public string InputName { get; }
    public string OutputName { get; }

    /// <summary>As ONNX Runtime sees them after loading; -1 marks the symbolic batch dimension.</summary>
    public IReadOnlyList<int> InputDimensions { get; }
    public IReadOnlyList<int> OutputDimensions { get; }

    /// <summary>What was done to the graph's batch dimension (its Model bytes are released after loading).</summary>
    public OnnxBatchRewrite Rewrite { get; }

    public bool Batched => Rewrite.Batched;
    public string ExecutionProvider { get; }

    /// <summary>Features [images.Count][512], in input order. Images are 28x28 row-major, clamped to [-1, 1].</summary>
    public float[][] Extract(IReadOnlyList<float[]> images, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < images.Count; i++)
            if (images[i] is null || images[i].Length != SourceSide * SourceSide)
                throw new ArgumentException($"image {i} has {images[i]?.Length ?? 0} pixels, expected {SourceSide * SourceSide}", nameof(images));
        var features = new float[images.Count][];
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
        for (int start = 0; start < images.Count; start += maxBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(maxBatch, images.Count - start);
            var input = new float[n * ImageSize];
            for (int k = 0; k < n; k++) Preprocess(images[start + k], input.AsSpan(k * ImageSize, ImageSize), meanImage);
            using var value = OrtValue.CreateTensorValueFromMemory(input, [n, Channels, InputSide, InputSide]);
            try
            {
                using var outputs = session.Run(runOptions, [InputName], [value], [OutputName]);
                var result = outputs[0].GetTensorDataAsSpan<float>();
                if (result.Length != n * FeatureDim)
                    throw new OnnxFormatException($"the model returned {result.Length} values for {n} images, expected {n * FeatureDim}");
                for (int k = 0; k < n; k++) features[start + k] = result.Slice(k * FeatureDim, FeatureDim).ToArray();
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
        return features;
    }

    /// <summary>The network input for one 28x28 image: [3, 224, 224], 0..255 scale minus the BGR mean image.</summary>
    public static void Preprocess(ReadOnlySpan<float> image, Span<float> destination, ReadOnlySpan<float> meanImage)
    {
        if (image.Length != SourceSide * SourceSide) throw new ArgumentException($"expected {SourceSide * SourceSide} pixels, got {image.Length}", nameof(image));
        if (destination.Length != ImageSize || meanImage.Length != ImageSize) throw new ArgumentException($"destination and mean image must hold {ImageSize} values");
        Span<float> scaled = stackalloc float[SourceSide * SourceSide];
        for (int i = 0; i < scaled.Length; i++) scaled[i] = (Math.Clamp(image[i], -1f, 1f) + 1f) * 127.5f;
        // Separable bilinear: rows first (28 x 224), then columns.
        Span<float> rows = stackalloc float[SourceSide * InputSide];
        for (int y = 0; y < SourceSide; y++)
            for (int x = 0; x < InputSide; x++)
            {
                var (lo, hi, w) = Taps[x];
                rows[y * InputSide + x] = scaled[y * SourceSide + lo] * (1 - w) + scaled[y * SourceSide + hi] * w;
            }
        var plane = destination[..PlaneSize];
        for (int y = 0; y < InputSide; y++)
        {
            var (lo, hi, w) = Taps[y];
            var top = rows.Slice(lo * InputSide, InputSide);
            var bottom = rows.Slice(hi * InputSide, InputSide);
            var line = plane.Slice(y * InputSide, InputSide);
            for (int x = 0; x < InputSide; x++) line[x] = top[x] * (1 - w) + bottom[x] * w;
        }
        for (int c = Channels - 1; c >= 0; c--)
        {
            var target = destination.Slice(c * PlaneSize, PlaneSize);
            var mean = meanImage.Slice(c * PlaneSize, PlaneSize);
            for (int i = 0; i < PlaneSize; i++) target[i] = plane[i] - mean[i];
        }
    }

    /// <summary>The [3, 224, 224] BGR mean image subtracted by ResNetPreprocess.onnx.</summary>
    public ReadOnlySpan<float> MeanImage => meanImage;

    /// <summary>Cosine similarity of two feature vectors (0 when either is all zeros).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("feature vectors differ in length");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>Source taps for each output coordinate: align_corners = false, clamped at the edges.</summary>
    private static (int, int, float)[] BilinearTaps(int source, int target)
    {
        var taps = new (int, int, float)[target];
        double scale = (double)source / target;
        for (int i = 0; i < target; i++)
        {
            double s = Math.Max(0, (i + 0.5) * scale - 0.5);
            int lo = Math.Min((int)s, source - 1);
            int hi = Math.Min(lo + 1, source - 1);
            taps[i] = (lo, hi, (float)(s - lo));
        }
        return taps;
    }

    /// <summary>
    /// Reads MeanImage from ResNetPreprocess.onnx after checking that its graph is the
    /// Split -> Concat(B, G, R) -> Sub(MeanImage) this class reproduces.
    /// </summary>
    private static float[] LoadMeanImage(string path)
    {
        var graph = OnnxProto.Message(File.ReadAllBytes(path), OnnxProto.ModelGraph) ?? throw new OnnxFormatException($"{path}: no graph");
        var nodes = OnnxProto.Messages(graph, OnnxProto.GraphNode).ToList();
        var ops = nodes.Select(n => OnnxProto.String(n, OnnxProto.NodeOpType)).ToList();
        if (!ops.SequenceEqual(["Split", "Concat", "Sub"]))
            throw new OnnxFormatException($"{path}: expected the preprocessing graph Split, Concat, Sub; found {string.Join(", ", ops)}");
        var split = OnnxProto.Strings(nodes[0], OnnxProto.NodeOutput).ToList();
        var concat = OnnxProto.Strings(nodes[1], OnnxProto.NodeInput).ToList();
        if (split.Count != 3 || !concat.SequenceEqual(Enumerable.Reverse(split)))
            throw new OnnxFormatException($"{path}: expected Concat to reverse the three channels of Split (RGB -> BGR)");
        var sub = OnnxProto.Strings(nodes[2], OnnxProto.NodeInput).ToList();
        var mean = OnnxProto.Messages(graph, OnnxProto.GraphInitializer)
            .FirstOrDefault(t => sub.Count == 2 && OnnxProto.String(t, OnnxProto.TensorName) == sub[1]);
        if (mean.IsEmpty) throw new OnnxFormatException($"{path}: the Sub node's second input is not an initializer");
        var dims = OnnxProto.Int64s(mean, OnnxProto.TensorDims);
        if (!dims.SequenceEqual([1L, Channels, InputSide, InputSide]) || OnnxProto.Int64(mean, OnnxProto.TensorDataType) != OnnxProto.TensorFloatType)
            throw new OnnxFormatException($"{path}: mean image is [{string.Join(", ", dims)}], expected float [1, 3, 224, 224]");
        var data = OnnxProto.Message(mean, OnnxProto.TensorRawData) ?? OnnxProto.Message(mean, OnnxProto.TensorFloatData)
            ?? throw new OnnxFormatException($"{path}: mean image has no data");
        if (data.Length != ImageSize * sizeof(float)) throw new OnnxFormatException($"{path}: mean image holds {data.Length} bytes, expected {ImageSize * sizeof(float)}");
        var values = new float[ImageSize];
        for (int i = 0; i < ImageSize; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(data.Span.Slice(i * 4, 4));
        return values;
    }

    public void Dispose() => session.Dispose();
}
