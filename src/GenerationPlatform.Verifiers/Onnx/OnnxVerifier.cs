using GenerationPlatform.Verifiers.Core;
using GenerationPlatform.Onnx;
using GenerationPlatform.Verifiers.ResNet;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Onnx;

/// <summary>
/// `onnx:NAME`: an operator's ONNX model scores images under a declared contract (<see cref="OnnxVerifierSpec"/>),
/// checked against the model's metadata at load. Each 28x28 image in [-1, 1] is resized bilinearly to
/// ImageSize (half-pixel centres, edges clamped), mapped linearly to Range, replicated to Channels and
/// normalized by Mean and Std; the requested class goes to ClassInput as int64 when one is declared.
/// <para>
/// Batching: a symbolic batch dimension runs up to MaxBatch images per call. A batch dimension fixed
/// at 1 runs one image per call (a loop, not a graph rewrite: arbitrary operator graphs can pin the
/// batch inside, see <see cref="OnnxBatching"/>). Scores are written by index, so each belongs to
/// the input at its position. Thread-safe (ONNX Runtime's Run is); dispose to free the session.
/// </para>
/// </summary>
public sealed class OnnxVerifier : IImageVerifier, IDisposable
{
    private const int Side = VerifierInputs.Side;

    private readonly OnnxVerifierSpec spec;
    private readonly InferenceSession session;
    private readonly VerifierCostMeter meter = new();
    private readonly (int Low, int High, float Weight)[] taps;
    private readonly float[] scale, shift; // per channel: value = pixel01 * scale + shift
    private readonly bool labelIsColumn;

    public OnnxVerifier(string name, OnnxVerifierSpec spec, SessionOptions? sessionOptions = null)
    {
        Name = $"onnx:{name}";
        this.spec = spec;
        var problems = spec.Problems();
        if (problems.Count > 0) throw new OnnxContractException($"{Name}: {string.Join("; ", problems)}");
        var path = spec.ResolvedPath;
        if (!File.Exists(path)) throw new OnnxContractException($"{Name}: Path: model file not found: {path}");
        using var defaults = sessionOptions is null ? DefaultSessionOptions() : null;
        try { session = new InferenceSession(path, sessionOptions ?? defaults); }
        catch (OnnxRuntimeException e) { throw new OnnxContractException($"{Name}: Path: ONNX Runtime cannot load {path}: {e.Message}"); }
        try
        {
            (Batched, Classes, labelIsColumn) = CheckContract(Name, spec, session.InputMetadata, session.OutputMetadata);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        MaxBatch = Batched ? spec.MaxBatch : 1;
        taps = BilinearTaps(Side, spec.ImageSize);
        var (low, high) = spec.ValueRange;
        scale = new float[spec.Channels];
        shift = new float[spec.Channels];
        for (int c = 0; c < spec.Channels; c++)
        {
            float mean = spec.Mean is { } m ? m[m.Length == 1 ? 0 : c] : 0f;
            float std = spec.Std is { } s ? s[s.Length == 1 ? 0 : c] : 1f;
            scale[c] = (high - low) / std;
            shift[c] = (low - mean) / std;
        }
    }

    public string Name { get; }
    public VerifierCost Cost => meter.Snapshot;

    /// <summary>What the operator stated (<see cref="OnnxVerifierSpec.FlopsPerImage"/>).</summary>
    public double FlopsPerImage => spec.FlopsPerImage;

    /// <summary>"CUDA" when the accelerator build found a usable CUDA provider, else "CPU".</summary>
    public string ExecutionProvider { get; private set; } = "CPU";

    private SessionOptions DefaultSessionOptions()
    {
        // The GPU build asks for the CUDA provider and, without a usable one on this machine, runs on the CPU provider.
        var options = OnnxSessions.Options(new OnnxSessionSettings(OnnxDevice.Auto), out var device, out _);
        ExecutionProvider = device == OnnxDevice.Cuda ? "CUDA" : "CPU";
        return options;
    }

    /// <summary>False when the model's batch dimension is fixed at 1 and images run one per call.</summary>
    public bool Batched { get; }

    /// <summary>Images per ONNX Runtime call.</summary>
    public int MaxBatch { get; }

    /// <summary>C of a class-indexed [N, C] output (null for scalar scores or when C is symbolic).</summary>
    public int? Classes { get; }

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        // Images of any model reach the operator's network as 28x28 brightness (the brightest channel), resized below to its input (a
        // colour-aware ONNX verifier for RGB models is not expressible in OnnxVerifierSpec yet).
        batch = batch
            .Select((b, i) => b.Shape is null ? b : b with { Image = VerifierInputs.Grayscale28(b.Image, VerifierInputs.ShapeOf(b, b.Image.Length, i)), Shape = null })
            .ToArray();
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].Image.Length != Side * Side)
                throw new ArgumentException($"input {i} has {batch[i].Image.Length} pixels, expected {Side * Side}", nameof(batch));
            if (NeedsLabel && (batch[i].Label < 0 || (Classes is { } c && batch[i].Label >= c)))
                throw new ArgumentOutOfRangeException(nameof(batch), $"input {i} has label {batch[i].Label}, outside 0..{(Classes is { } k ? k - 1 : int.MaxValue)}");
        }
        if (batch.Count == 0) return [];
        return meter.Measure(batch.Count, () =>
        {
            var scores = new double[batch.Count];
            using var runOptions = new RunOptions();
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            for (int start = 0; start < batch.Count; start += MaxBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(MaxBatch, batch.Count - start);
                try { RunChunk(batch, start, n, scores, runOptions); }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
            return scores;
        });
    }

    private bool NeedsLabel => spec.ClassInput is not null || OnnxScoreKinds.IndexesClass(spec.Score);

    private void RunChunk(IReadOnlyList<VerifierInput> batch, int start, int n, double[] scores, RunOptions runOptions)
    {
        int side = spec.ImageSize, channels = spec.Channels, imageSize = channels * side * side;
        var pixels = new float[n * imageSize];
        for (int k = 0; k < n; k++) Preprocess(batch[start + k].Image, pixels.AsSpan(k * imageSize, imageSize));
        var values = new List<OrtValue>(2);
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(pixels, [n, channels, side, side]));
            var names = new List<string> { spec.Input };
            if (spec.ClassInput is not null)
            {
                var labels = new long[n];
                for (int k = 0; k < n; k++) labels[k] = batch[start + k].Label;
                values.Add(OrtValue.CreateTensorValueFromMemory(labels, labelIsColumn ? [n, 1] : [n]));
                names.Add(spec.ClassInput);
            }
            using var outputs = session.Run(runOptions, names, values, [spec.Output]);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            var data = outputs[0].GetTensorDataAsSpan<float>();
            if (shape.Length == 0 || shape[0] != n)
                throw new OnnxContractException($"{Name}: Output '{spec.Output}' came back as [{string.Join(", ", shape)}] for {n} images; expected {n} rows");
            int width = checked((int)(data.Length / n));
            if (spec.Score == OnnxScoreKinds.Scalar)
            {
                if (width != 1) throw new OnnxContractException($"{Name}: Output '{spec.Output}' came back as [{string.Join(", ", shape)}]; Score 'scalar' expects [N] or [N, 1]");
                for (int k = 0; k < n; k++) scores[start + k] = data[k];
                return;
            }
            for (int k = 0; k < n; k++)
            {
                int label = batch[start + k].Label;
                if (label >= width)
                    throw new ArgumentOutOfRangeException(nameof(batch),
                        $"input {start + k} has label {label}, outside 0..{width - 1} (Output '{spec.Output}' has {width} classes)");
                scores[start + k] = ClassScore(data.Slice(k * width, width), label, spec.Score);
            }
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>The model input for one 28x28 image in [-1, 1]: [Channels, ImageSize, ImageSize].</summary>
    public void Preprocess(ReadOnlySpan<float> image, Span<float> destination)
    {
        int side = spec.ImageSize, plane = side * side;
        Span<float> unit = stackalloc float[Side * Side];
        for (int i = 0; i < unit.Length; i++) unit[i] = (Math.Clamp(image[i], -1f, 1f) + 1f) / 2f; // [0, 1]
        var first = destination[..plane];
        var rows = new float[Side * side];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < side; x++)
            {
                var (lo, hi, w) = taps[x];
                rows[y * side + x] = unit[y * Side + lo] * (1 - w) + unit[y * Side + hi] * w;
            }
        for (int y = 0; y < side; y++)
        {
            var (lo, hi, w) = taps[y];
            for (int x = 0; x < side; x++) first[y * side + x] = rows[lo * side + x] * (1 - w) + rows[hi * side + x] * w;
        }
        for (int c = spec.Channels - 1; c >= 0; c--)
        {
            var target = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) target[i] = first[i] * scale[c] + shift[c];
        }
    }

    internal static double ClassScore(ReadOnlySpan<float> row, int label, string kind)
    {
        if (kind == OnnxScoreKinds.LogitOfClass) return row[label];
        double max = double.NegativeInfinity;
        foreach (var v in row) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in row) sum += Math.Exp(v - max);
        double logSoftmax = row[label] - max - Math.Log(sum);
        return kind == OnnxScoreKinds.LogSoftmaxOfClass ? logSoftmax : Math.Exp(logSoftmax);
    }

    /// <summary>
    /// Checks the declared contract against the session's metadata. Returns whether the batch dimension
    /// is symbolic, the class count of a class-indexed output when fixed, and whether the class input is [N, 1].
    /// </summary>
    internal static (bool Batched, int? Classes, bool LabelIsColumn) CheckContract(
        string verifier, OnnxVerifierSpec spec, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs)
    {
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        void Fail(string message) => throw new OnnxContractException($"{verifier}: {message}");
        static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
            string.Join(", ", nodes.Select(kv =>
                $"'{kv.Key}' {(kv.Value.IsTensor ? kv.Value.ElementDataType.ToString().ToLowerInvariant() : kv.Value.OnnxValueType.ToString())} {Shape(kv.Value)}"));

        if (!inputs.TryGetValue(spec.Input, out var image))
            Fail($"Input: expected an input named '{spec.Input}', found inputs {Describe(inputs)}");
        if (!image.IsTensor || image.ElementDataType != TensorElementType.Float)
            Fail($"Input: '{spec.Input}' must be a float tensor, found {(image.IsTensor ? image.ElementDataType.ToString().ToLowerInvariant() : image.OnnxValueType.ToString())}");
        var dims = image.Dimensions;
        if (dims.Length != 4)
            Fail($"Input: '{spec.Input}' must have rank 4 [N, Channels, ImageSize, ImageSize] = [N, {spec.Channels}, {spec.ImageSize}, {spec.ImageSize}], " +
                $"found rank {dims.Length} {Shape(image)}");
        if (dims[1] > 0 && dims[1] != spec.Channels)
            Fail($"Channels: configured {spec.Channels}, but input '{spec.Input}' {Shape(image)} has {dims[1]} channels");
        if ((dims[2] > 0 && dims[2] != spec.ImageSize) || (dims[3] > 0 && dims[3] != spec.ImageSize))
            Fail($"ImageSize: configured {spec.ImageSize}, but input '{spec.Input}' {Shape(image)} is {Dim(dims[2])}x{Dim(dims[3])}");
        if (dims[0] > 1) Fail($"Input: '{spec.Input}' {Shape(image)} has a fixed batch of {dims[0]}; expected a symbolic batch or 1");
        bool batched = dims[0] <= 0;

        bool labelIsColumn = false;
        if (spec.ClassInput is not null)
        {
            if (!inputs.TryGetValue(spec.ClassInput, out var label))
                Fail($"ClassInput: expected an input named '{spec.ClassInput}', found inputs {Describe(inputs)}");
            if (!label.IsTensor || label.ElementDataType != TensorElementType.Int64)
                Fail($"ClassInput: '{spec.ClassInput}' must be an int64 tensor, " +
                    $"found {(label.IsTensor ? label.ElementDataType.ToString().ToLowerInvariant() : label.OnnxValueType.ToString())}");
            var ld = label.Dimensions;
            if (ld.Length is not (1 or 2) || (ld.Length == 2 && ld[1] > 1))
                Fail($"ClassInput: '{spec.ClassInput}' must be [N] or [N, 1], found {Shape(label)}");
            if (ld[0] > 1 || (ld[0] == 1 && batched))
                Fail($"ClassInput: '{spec.ClassInput}' {Shape(label)} has batch {Dim(ld[0])}, but input '{spec.Input}' has batch {Dim(dims[0])}");
            labelIsColumn = ld.Length == 2;
        }
        var unfed = inputs.Keys.Where(k => k != spec.Input && k != spec.ClassInput).ToList();
        if (unfed.Count > 0)
            Fail("the model has inputs the contract does not feed: " +
                $"{string.Join(", ", unfed.Select(k => $"'{k}' {inputs[k].ElementDataType.ToString().ToLowerInvariant()} {Shape(inputs[k])}"))}" +
                (spec.ClassInput is null ? "; set ClassInput if one of them takes the class (int64 [N])" : ""));

        if (!outputs.TryGetValue(spec.Output, out var output))
            Fail($"Output: expected an output named '{spec.Output}', found outputs {Describe(outputs)}");
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
            Fail($"Output: '{spec.Output}' must be a float tensor, " +
                $"found {(output.IsTensor ? output.ElementDataType.ToString().ToLowerInvariant() : output.OnnxValueType.ToString())}");
        var od = output.Dimensions;
        if (od.Length == 0 || od[0] > 1 || (od[0] == 1 && batched))
            Fail($"Output: '{spec.Output}' {Shape(output)} must lead with the batch dimension of input '{spec.Input}' ({Dim(dims[0])})");
        int? classes = null;
        if (spec.Score == OnnxScoreKinds.Scalar)
        {
            if (!(od.Length == 1 || (od.Length == 2 && od[1] <= 1)))
                Fail($"Score: 'scalar' expects output '{spec.Output}' of rank 1 [N] or [N, 1], found rank {od.Length} {Shape(output)}");
        }
        else
        {
            if (od.Length != 2)
                Fail($"Score: '{spec.Score}' expects output '{spec.Output}' of rank 2 [N, C], found rank {od.Length} {Shape(output)}");
            if (od[1] > 0) classes = od[1];
        }
        return (batched, classes, labelIsColumn);
    }

    private static string Dim(int d) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "symbolic";

    private static string Shape(NodeMetadata node) =>
        "[" + string.Join(", ", node.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : node.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?")) + "]";

    /// <summary>Source taps for each output coordinate: align_corners = false, clamped at the edges.</summary>
    internal static (int, int, float)[] BilinearTaps(int source, int target)
    {
        var result = new (int, int, float)[target];
        double ratio = (double)source / target;
        for (int i = 0; i < target; i++)
        {
            double s = Math.Clamp((i + 0.5) * ratio - 0.5, 0, source - 1);
            int lo = (int)s;
            int hi = Math.Min(lo + 1, source - 1);
            result[i] = (lo, hi, (float)(s - lo));
        }
        return result;
    }

    public void Dispose() => session.Dispose();
}
