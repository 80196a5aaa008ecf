using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.NoiseAware;
using GenerationPlatform.Verifiers.Onnx;
using GenerationPlatform.Verifiers.ResNet;
using GenerationPlatform.Verifiers.Text;
using static GenerationPlatform.Core.Verifiers.VerifierNames;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers;

/// <summary>
/// Builds verifiers from their names: `classifier`, `class-gaussian`, `resnet-probe`,
/// `self-consistency`, `text-align` and `attributes` (prompt verifiers, docs/TEXT.md), `onnx:NAME` (an operator's ONNX model, registered by name), and
/// `ensemble(a, b, ...)` of those. Models are loaded once, on first use, and
/// shared by the verifiers built here (one ResNet-18 session serves both ResNet verifiers).
/// </summary>
public sealed class VerifierCatalog : IDisposable
{
    private readonly Lazy<FashionClassifier> classifier;
    private readonly Lazy<FeatureStatistics> statistics;
    private readonly Lazy<NoiseAwareRanker?> noiseAware;
    private readonly Lazy<ResNet18Features> resnet;
    private readonly ResNet18Options? resnetOptions;
    private readonly Lazy<ResNetProbeHead> probeHead;
    private readonly Lazy<TextAlignEncoder> textAlign;
    private readonly Lazy<GenerationPlatform.Text.ITextEncoder> textEncoder;
    private readonly Action<string>? log;
    private readonly Dictionary<string, IImageVerifier> built = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxVerifierSpec> onnx;

    /// <param name="probeHeadPath">The `resnet-probe` head (default Weights/resnet-probe-head.safetensors next to the application).</param>
    /// <param name="resnetOptions">Where the ResNet-18 ONNX files are and how to run them (default: DnnImageModels/ next to the application).</param>
    /// <param name="onnxVerifiers">`onnx:NAME` contracts by NAME (case-insensitive); each model is loaded and checked on first use.</param>
    /// <param name="textAlignPath">The `text-align` encoder (default Weights/text-align.safetensors next to the application).</param>
    /// <param name="noiseAwarePath">The `classifier` verifier's noise-aware head (default Weights/noise-aware-classifier.safetensors next to the
    /// application, when the classifier is the shipped one).</param>
    /// <param name="log">Hears what verifiers report, such as a prompt `attributes` could not parse (and scored 0).</param>
    public VerifierCatalog(string? classifierPath = null, string? statisticsPath = null, string? probeHeadPath = null, ResNet18Options? resnetOptions = null,
        IReadOnlyDictionary<string, OnnxVerifierSpec>? onnxVerifiers = null, string? textAlignPath = null, Action<string>? log = null, string? noiseAwarePath = null)
    {
        this.log = log;
        textAlign = new(() => TextAlignFiles.Load(textAlignPath));
        textEncoder = new(() => GenerationPlatform.Text.TextEncoders.Create(GenerationPlatform.Text.MiniLmTextEncoder.EncoderName));
        onnx = new(onnxVerifiers ?? new Dictionary<string, OnnxVerifierSpec>(), StringComparer.OrdinalIgnoreCase);
        classifier = new(() => ClassifierFiles.Load(classifierPath));
        // The classifier's noise-aware head ranks x0-predictions (pruned(ranking=noise-aware)); only the shipped
        // classifier has one: another classifier's scores are not what the head was trained to predict.
        // A head named explicitly must load; the shipped one is used, if present, only with the shipped classifier.
        noiseAware = new(() => noiseAwarePath is not null ? NoiseAwareFiles.Load(noiseAwarePath) : classifierPath is null ? NoiseAwareFiles.LoadIfPresent() : null);
        statistics = new(() => FeatureStatistics.Load(statisticsPath ?? ClassifierFiles.DefaultStatisticsPath));
        this.resnetOptions = resnetOptions;
        resnet = new(() => new ResNet18Features(resnetOptions));
        probeHead = new(() => ResNetProbeFiles.Load(probeHeadPath));
    }

    /// <summary>text-align's prompt encoder; a build that left it out does not know text-align, and says why.</summary>
    private GenerationPlatform.Text.ITextEncoder TextEncoder()
    {
        try { return textEncoder.Value; }
        catch (GenerationPlatform.Text.TextEncoderUnavailableException e) { throw new UnknownVerifierException($"verifier 'text-align' is not available here: {e.Message}"); }
    }

    /// <summary>The registered `onnx:NAME` verifiers' names, as registered.</summary>
    public IReadOnlyList<string> OnnxNames => onnx.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Parses and builds a verifier; throws <see cref="UnknownVerifierException"/> for unknown or malformed names.</summary>
    public IImageVerifier Get(string spec)
    {
        var name = Canonical(spec, out var problem) ?? throw new UnknownVerifierException($"unknown verifier '{spec}': {problem}");
        lock (built)
        {
            if (built.TryGetValue(name, out var existing)) return existing;
            IImageVerifier verifier = name switch
            {
                "classifier" => new ClassifierVerifier(classifier.Value, noiseAware.Value),
                "class-gaussian" => new ClassGaussianVerifier(classifier.Value, statistics.Value),
                "resnet-probe" => ProbeVerifier(),
                "self-consistency" => new SelfConsistencyVerifier(ResNet(name)),
                "text-align" => new TextAlignVerifier(textAlign.Value, TextEncoder()),
                "attributes" => new AttributesVerifier(classifier.Value, log),
                _ when name.StartsWith(OnnxPrefix, StringComparison.Ordinal) => OnnxVerifier(name[OnnxPrefix.Length..], spec),
                _ when Members(name) is { Count: > 0 } members => new EnsembleVerifier(members.Select(Get).ToArray()),
                _ => throw new UnknownVerifierException(
                    $"unknown verifier '{spec}'; known: {string.Join(", ", BaseNames.Concat(OnnxNames.Select(n => OnnxPrefix + n)))}, ensemble(a, b, ...)"),
            };
            built[name] = verifier;
            return verifier;
        }
    }

    private OnnxVerifier OnnxVerifier(string name, string spec)
    {
        if (!onnx.TryGetValue(name, out var contract))
            throw new UnknownVerifierException(onnx.Count == 0
                ? $"unknown verifier '{spec}': no ONNX verifiers are registered " +
                    "(configuration GenerationPlatform:Verifiers:Onnx:{NAME}, or genplat --onnx-verifier NAME=spec.json)"
                : $"unknown verifier '{spec}': registered ONNX verifiers: {string.Join(", ", OnnxNames.Select(n => OnnxPrefix + n))}");
        return new OnnxVerifier(name, contract); // lower case, like every name the catalog builds (ensembles name their members)
    }

    private ResNetProbeVerifier ProbeVerifier()
    {
        var head = probeHead.Value; // first: a missing head file should fail before a 63 MB model load
        return new ResNetProbeVerifier(ResNet("resnet-probe"), head);
    }

    /// <summary>The shared ResNet-18; a build that left its files out does not know the verifiers built on it, and says why.</summary>
    private ResNet18Features ResNet(string verifier) =>
        !resnet.IsValueCreated && ResNet18Features.MissingFile(resnetOptions) is { } missing
            ? throw new UnknownVerifierException($"verifier '{verifier}' is not available here: {missing}")
            : resnet.Value;

    public void Dispose()
    {
        foreach (var v in built.Values.OfType<IDisposable>()) v.Dispose();
        if (classifier.IsValueCreated) classifier.Value.Dispose();
        if (noiseAware.IsValueCreated) noiseAware.Value?.Dispose();
        if (statistics.IsValueCreated) statistics.Value.Dispose();
        if (resnet.IsValueCreated) resnet.Value.Dispose();
        if (probeHead.IsValueCreated) probeHead.Value.Dispose();
        if (textAlign.IsValueCreated) textAlign.Value.Dispose();
        if (textEncoder.IsValueCreated) textEncoder.Value.Dispose();
    }
}
