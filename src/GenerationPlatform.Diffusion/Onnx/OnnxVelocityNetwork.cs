using System.Globalization;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Onnx;

/// <summary>
/// A denoiser in ONNX Runtime: inputs x float [N, C, H, W], t float [N] and the condition (int64 [N] labels for class
/// models, float [N, D] embeddings for text models), output v float [N, C, H, W], N symbolic. At load the graph's
/// inputs and outputs are checked against the declared <see cref="ImageShape"/> and <see cref="Core.Model.Conditioning"/>
/// (a mismatch is a <see cref="ModelLoadException"/> on field "weights" naming the input and both values), then one
/// probe forward pass on two rows (label 0 and the null label, or a zero embedding) proves the graph runs.
/// <para>
/// Buffers: the inputs are copied into pinned managed arrays (pinned object heap) that OrtValues wrap, and ONNX Runtime
/// writes the velocities into another; they grow as batches grow, and the OrtValues are kept while the batch size
/// repeats (a sampler's calls), so a call allocates nothing but the result tensor. On CUDA the buffers are bound with
/// IO binding: ONNX Runtime copies the inputs to the device and the output back within the run, its device buffers
/// coming from its arena and reused across calls.
/// One call at a time (a lock); dispose to free the session.
/// </para>
/// </summary>
public sealed class OnnxVelocityNetwork : IVelocityNetwork
{
    private readonly OnnxSession session;
    private readonly OnnxDenoiserNames names;
    private readonly Lock gate = new();
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames, outputNames;
    // Pinned (pinned object heap) buffers the OrtValues point at, grown as batches grow.
    private float[] xBuffer = [], tBuffer = [], embeddingBuffer = [], vBuffer = [];
    private long[] labelBuffer = [];
    private BoundValues? bound;
    private bool disposed;

    /// <param name="path">The .onnx file.</param>
    /// <param name="shape">The shape the manifest declares.</param>
    /// <param name="conditioning">The conditioning the manifest declares.</param>
    /// <param name="settings">Device and threads (CPU, ONNX Runtime's thread count, by default).</param>
    /// <param name="names">Input and output names (the exporter's by default).</param>
    /// <param name="forwardFlops">FLOPs of one sample's forward pass; null reads them from the model's metadata (0 when absent).</param>
    public OnnxVelocityNetwork(string path, ImageShape shape, Conditioning conditioning, OnnxSessionSettings? settings = null, OnnxDenoiserNames? names = null,
        double? forwardFlops = null)
        : this(() => File.Exists(path)
            ? OnnxSessions.Create(path, settings ?? new OnnxSessionSettings())
            : throw new ModelLoadException("weights", $"ONNX file not found: {path}"), path, shape, conditioning, names, forwardFlops)
    {
    }

    /// <summary>From the model's bytes (an export held in memory).</summary>
    public OnnxVelocityNetwork(byte[] model, ImageShape shape, Conditioning conditioning, OnnxSessionSettings? settings = null, OnnxDenoiserNames? names = null,
        double? forwardFlops = null)
        : this(() => OnnxSessions.Create(model, settings ?? new OnnxSessionSettings()), "the ONNX model", shape, conditioning, names, forwardFlops)
    {
    }

    private OnnxVelocityNetwork(Func<OnnxSession> open, string source, ImageShape shape, Conditioning conditioning, OnnxDenoiserNames? names, double? forwardFlops)
    {
        if (shape.Problem() is { } shapeProblem) throw new ModelLoadException("image", shapeProblem);
        if (conditioning.Problem() is { } conditioningProblem) throw new ModelLoadException("conditioning", conditioningProblem);
        Shape = shape;
        Conditioning = conditioning;
        this.names = names ?? OnnxDenoiserNames.Default;
        inputNames = [this.names.X, this.names.T, this.names.Condition];
        outputNames = [this.names.Output];
        try { session = open(); }
        catch (OnnxRuntimeException e) { throw new ModelLoadException("weights", $"ONNX Runtime cannot load {source}: {e.Message.Trim()}"); }
        try
        {
            Validate(session.Session.InputMetadata, session.Session.OutputMetadata, shape, conditioning, this.names);
            ForwardFlops = forwardFlops ?? ReadFlops(session.Session);
            Probe();
        }
        catch
        {
            bound?.Dispose();
            session.Dispose();
            runOptions.Dispose();
            throw;
        }
    }

    public ImageShape Shape { get; }
    public Conditioning Conditioning { get; }
    public string Backend => "onnx";

    /// <summary>"cpu" or "cuda": where the session runs (auto resolved).</summary>
    public string Device => session.DeviceName;

    public double ForwardFlops { get; }

    /// <summary>Why a session asked for <see cref="OnnxDevice.Auto"/> runs on the CPU (for the log); null otherwise.</summary>
    public string? FallbackReason => session.FallbackReason;

    public InferenceSession Session => session.Session;

    public Tensor Forward(Tensor x, Tensor t, Tensor condition)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(condition);
        long n = CheckInputs(x, t, condition);
        using var scope = NewDisposeScope();
        var xc = Native(x, ScalarType.Float32);
        var tc = Native(t, ScalarType.Float32);
        var cc = Native(condition, Conditioning.IsText ? ScalarType.Float32 : ScalarType.Int64);
        var result = empty(Shape.Batch(checked((int)n)), float32);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var values = Bind(checked((int)n));
            xc.data<float>().CopyTo(xBuffer.AsSpan(0, (int)xc.NumberOfElements));
            tc.data<float>().CopyTo(tBuffer.AsSpan(0, (int)n));
            if (Conditioning.IsText) cc.data<float>().CopyTo(embeddingBuffer.AsSpan(0, (int)cc.NumberOfElements));
            else cc.data<long>().CopyTo(labelBuffer.AsSpan(0, (int)n));
            if (values.Binding is { } binding)
            {
                binding.SynchronizeBoundInputs();
                session.Session.RunWithBinding(runOptions, binding);
                binding.SynchronizeBoundOutputs();
            }
            else
            {
                session.Session.Run(runOptions, inputNames, [values.X, values.T, values.Condition], outputNames, [values.V]);
            }
            result.data<float>().CopyFrom(vBuffer.AsSpan(0, (int)result.NumberOfElements));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>OrtValues over the pinned buffers for a batch of <paramref name="n"/> (kept while the batch size repeats; buffers grow as needed).</summary>
    private BoundValues Bind(int n)
    {
        if (bound is { } current && current.Batch == n) return current;
        bound?.Dispose();
        bound = null;
        int image = Shape.Size;
        Grow(ref xBuffer, checked(n * image));
        Grow(ref vBuffer, checked(n * image));
        Grow(ref tBuffer, n);
        if (Conditioning.IsText) Grow(ref embeddingBuffer, checked(n * Conditioning.EmbeddingSize));
        else Grow(ref labelBuffer, n);
        var info = OrtMemoryInfo.DefaultInstance;
        var xv = OrtValue.CreateTensorValueFromMemory(info, xBuffer.AsMemory(0, n * image), Shape.Batch(n));
        var tv = OrtValue.CreateTensorValueFromMemory(info, tBuffer.AsMemory(0, n), [n]);
        var cv = Conditioning.IsText
            ? OrtValue.CreateTensorValueFromMemory(info, embeddingBuffer.AsMemory(0, n * Conditioning.EmbeddingSize), [n, Conditioning.EmbeddingSize])
            : OrtValue.CreateTensorValueFromMemory(info, labelBuffer.AsMemory(0, n), [n]);
        var vv = OrtValue.CreateTensorValueFromMemory(info, vBuffer.AsMemory(0, n * image), Shape.Batch(n));
        OrtIoBinding? binding = null;
        if (session.Device == OnnxDevice.Cuda)
        {
            // IO binding: ONNX Runtime copies the bound host inputs to the device and the output back into vBuffer.
            binding = session.Session.CreateIoBinding();
            binding.BindInput(names.X, xv);
            binding.BindInput(names.T, tv);
            binding.BindInput(names.Condition, cv);
            binding.BindOutput(names.Output, vv);
        }
        bound = new BoundValues(n, xv, tv, cv, vv, binding);
        return bound;
    }

    private static void Grow<T>(ref T[] buffer, int needed)
    {
        if (buffer.Length >= needed) return;
        buffer = GC.AllocateUninitializedArray<T>(Math.Max(needed, buffer.Length + buffer.Length / 2), pinned: true);
    }

    private sealed record BoundValues(int Batch, OrtValue X, OrtValue T, OrtValue Condition, OrtValue V, OrtIoBinding? Binding) : IDisposable
    {
        public void Dispose()
        {
            Binding?.Dispose();
            X.Dispose();
            T.Dispose();
            Condition.Dispose();
            V.Dispose();
        }
    }

    /// <summary>The batch size, after checking every input's shape against the model's.</summary>
    private long CheckInputs(Tensor x, Tensor t, Tensor condition)
    {
        var xs = x.shape;
        if (xs.Length != 4 || xs[1] != Shape.Channels || xs[2] != Shape.Height || xs[3] != Shape.Width)
            throw new ArgumentException($"x must be [B, {Shape.Channels}, {Shape.Height}, {Shape.Width}], got [{string.Join(", ", xs)}]", nameof(x));
        long n = xs[0];
        if (t.shape.Length != 1 || t.shape[0] != n) throw new ArgumentException($"t must be [{n}], got [{string.Join(", ", t.shape)}]", nameof(t));
        var cs = condition.shape;
        if (Conditioning.IsText ? cs.Length != 2 || cs[0] != n || cs[1] != Conditioning.EmbeddingSize : cs.Length != 1 || cs[0] != n)
            throw new ArgumentException($"condition must be [{n}{(Conditioning.IsText ? $", {Conditioning.EmbeddingSize}" : "")}], got [{string.Join(", ", cs)}]",
                nameof(condition));
        if (x.device_type != TorchSharp.DeviceType.CPU || t.device_type != TorchSharp.DeviceType.CPU || condition.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException("inputs must be CPU tensors (ONNX Runtime copies them to the GPU itself)");
        return n;
    }

    /// <summary>The tensor itself when it is contiguous and of the right type, else a converted copy (in the caller's dispose scope).</summary>
    private static Tensor Native(Tensor tensor, ScalarType type)
    {
        var typed = tensor.dtype == type ? tensor : tensor.to_type(type);
        return typed.is_contiguous() ? typed : typed.contiguous();
    }

    private void Probe()
    {
        using var scope = NewDisposeScope();
        var x = zeros(Shape.Batch(2));
        var t = full(2, 0.5f);
        var condition = Conditioning.IsText ? zeros(2, Conditioning.EmbeddingSize) : tensor(new long[] { 0, Conditioning.NullLabel });
        Tensor v;
        try { v = Forward(x, t, condition); }
        catch (OnnxRuntimeException e)
        {
            var inputs = Conditioning.IsText ? "zero embeddings" : $"labels 0 and the null label {Conditioning.NullLabel}";
            throw new ModelLoadException("weights", $"a test forward pass (batch 2, {inputs}) failed: {e.Message.Trim()}");
        }
        if (v.shape.Length != 4 || v.shape[0] != 2) throw new ModelLoadException("weights", $"a test forward pass on 2 rows returned [{string.Join(", ", v.shape)}]");
    }

    private static double ReadFlops(InferenceSession session)
    {
        try
        {
            return session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxExporter.FlopsMetadataKey, out var text)
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var flops) && flops > 0 ? flops : 0;
        }
        catch (OnnxRuntimeException)
        {
            return 0;
        }
    }

    /// <summary>Checks a denoiser graph's declared inputs and outputs against the manifest; throws <see cref="ModelLoadException"/> ("weights") naming what differs.</summary>
    public static void Validate(IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs, ImageShape shape,
        Conditioning conditioning, OnnxDenoiserNames? names = null)
    {
        names ??= OnnxDenoiserNames.Default;
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        static void Fail(string message) => throw new ModelLoadException("weights", message);

        NodeMetadata Find(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, string kind)
        {
            if (!nodes.TryGetValue(name, out var node))
                Fail($"the ONNX graph has no {kind} '{name}' (its {kind}s: {Describe(nodes)})");
            if (!node.IsTensor) Fail($"{kind} '{name}' is a {node.OnnxValueType}, expected a tensor");
            return node;
        }

        void Type(NodeMetadata node, string name, string kind, TensorElementType expected)
        {
            if (node.ElementDataType != expected)
                Fail($"{kind} '{name}' is {TypeName(node.ElementDataType)}, expected {TypeName(expected)}");
        }

        void Batch(NodeMetadata node, string name, string kind)
        {
            if (node.Dimensions[0] > 0)
                Fail($"{kind} '{name}' {Describe(node)} has a fixed batch of {node.Dimensions[0]}; the batch dimension must be symbolic");
        }

        void Image(NodeMetadata node, string name, string kind)
        {
            Type(node, name, kind, TensorElementType.Float);
            var d = node.Dimensions;
            if (d.Length != 4) Fail($"{kind} '{name}' {Describe(node)} has rank {d.Length}, expected [N, C, H, W] = [N, {shape.Channels}, {shape.Height}, {shape.Width}]");
            Batch(node, name, kind);
            if (d[1] > 0 && d[1] != shape.Channels) Fail($"{kind} '{name}' has {d[1]} channels, the manifest declares {shape.Channels}");
            if (d[2] > 0 && d[2] != shape.Height) Fail($"{kind} '{name}' has height {d[2]}, the manifest declares {shape.Height}");
            if (d[3] > 0 && d[3] != shape.Width) Fail($"{kind} '{name}' has width {d[3]}, the manifest declares {shape.Width}");
        }

        var x = Find(inputs, names.X, "input");
        Image(x, names.X, "input");

        var t = Find(inputs, names.T, "input");
        Type(t, names.T, "input", TensorElementType.Float);
        if (t.Dimensions.Length != 1) Fail($"input '{names.T}' {Describe(t)} has rank {t.Dimensions.Length}, expected [N]");
        Batch(t, names.T, "input");

        var c = Find(inputs, names.Condition, "input");
        if (conditioning.IsText)
        {
            if (c.ElementDataType != TensorElementType.Float)
                Fail($"input '{names.Condition}' is {TypeName(c.ElementDataType)}, but the manifest declares a text model (float [N, {conditioning.EmbeddingSize}] embeddings)");
            if (c.Dimensions.Length != 2) Fail($"input '{names.Condition}' {Describe(c)} has rank {c.Dimensions.Length}, expected [N, {conditioning.EmbeddingSize}]");
            Batch(c, names.Condition, "input");
            if (c.Dimensions[1] > 0 && c.Dimensions[1] != conditioning.EmbeddingSize)
                Fail($"input '{names.Condition}' takes {c.Dimensions[1]}-d embeddings, the manifest declares {conditioning.EmbeddingSize}");
        }
        else
        {
            if (c.ElementDataType != TensorElementType.Int64)
                Fail($"input '{names.Condition}' is {TypeName(c.ElementDataType)}, but the manifest declares a class model (int64 [N] labels)");
            if (c.Dimensions.Length != 1) Fail($"input '{names.Condition}' {Describe(c)} has rank {c.Dimensions.Length}, expected [N]");
            Batch(c, names.Condition, "input");
        }

        var unfed = inputs.Keys.Where(k => k != names.X && k != names.T && k != names.Condition).ToList();
        if (unfed.Count > 0) Fail($"the ONNX graph has inputs the denoiser does not feed: {string.Join(", ", unfed.Select(k => $"'{k}' {Describe(inputs[k])}"))}");

        var v = Find(outputs, names.Output, "output");
        Image(v, names.Output, "output");
    }

    private static string TypeName(TensorElementType type) => type.ToString().ToLowerInvariant();

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "none" : string.Join(", ", nodes.Select(kv =>
            $"'{kv.Key}' {(kv.Value.IsTensor ? TypeName(kv.Value.ElementDataType) : kv.Value.OnnxValueType.ToString())} {Describe(kv.Value)}"));

    private static string Describe(NodeMetadata node) =>
        "[" + string.Join(", ", node.Dimensions.Select((d, i) => d > 0 ? d.ToString(CultureInfo.InvariantCulture)
            : node.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?")) + "]";

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            bound?.Dispose();
            session.Dispose();
            runOptions.Dispose();
        }
    }
}
