using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Models;

/// <summary>
/// A model folder's manifest (<c>model.json</c>, snake_case JSON): what the network is and how to drive it.
/// docs/MODELS.md describes the format field by field. <see cref="Parse"/> is strict: a missing field, a field of
/// the wrong type or out of range, and an unknown field are each a <see cref="ModelLoadException"/> naming the
/// field's JSON path ("conditioning.classes", "prediction.schedule.alphas_cumprod[3]").
/// </summary>
public sealed partial record ModelManifest(
    string Name,
    string Description,
    string Backend,
    string Weights,
    ImageSpec Image,
    Conditioning Conditioning,
    PredictionSpec Prediction,
    DecoderSpec? Decoder,
    ModelDefaults Defaults,
    string Folder)
{
    public const string FileName = "model.json";
    public const string TorchSharp = "torchsharp", Onnx = "onnx";

    /// <summary>
    /// A capacity-planning stand-in for a GPU (docs/MODELS.md, "Simulated"): each call waits t0 + rows x t1 (its weights
    /// file, JSON) without computing, and answers zeros of the right shape. Never a model to serve to tenants.
    /// </summary>
    public const string Simulated = "simulated";
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 2000;
    public const int MaxSteps = 1000;
    public const float MaxGuidance = 100f;
    public const double MaxForwardFlops = 1e16;

    /// <summary>The weights file (the denoiser's).</summary>
    public string WeightsPath => System.IO.Path.Combine(Folder, Weights);

    /// <summary>The decoder's ONNX file, for latent models.</summary>
    public string? DecoderPath => Decoder is null ? null : System.IO.Path.Combine(Folder, Decoder.Weights);

    /// <summary>The shape the denoiser works on: the latent's for latent models, else the image's.</summary>
    public ImageShape StateShape => Decoder?.Latent ?? Image.Shape;

    public bool IsLatent => Decoder is not null;

    /// <summary>The guidance null condition as the manifest writes it: "label:N" (N = the class count) or "zeros".</summary>
    public string NullCondition => Conditioning.IsText ? "zeros" : $"label:{Conditioning.NullLabel.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// FLOPs of one forward pass of one sample (one NFE, unguided), as the manifest states them (<c>forward_flops</c>,
    /// optional; 0: not stated). What the platform counts verifier compute against; loading checks it against the network.
    /// </summary>
    public double ForwardFlops { get; init; }

    /// <summary>A summary for callers that do not load the network.</summary>
    public ModelDescription Describe() =>
        new(Name, Description, Backend, StateShape, Image.Shape, Conditioning, Defaults.Sampler, Defaults.Steps, Defaults.Guidance, ForwardFlops);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    /// <summary>Null when <paramref name="name"/> is a valid model name (lowercase letters, digits and inner hyphens, at most 64), else why not.</summary>
    public static string? NameProblem(string name) =>
        name.Length is 0 or > MaxNameLength ? $"must have between 1 and {MaxNameLength} characters (got {name.Length})"
        : !NamePattern().IsMatch(name) ? $"must be lowercase letters, digits and inner hyphens (got \"{name}\")"
        : null;

    /// <summary>Reads the manifest of a model folder, or a manifest file (its folder holds the weights).</summary>
    public static ModelManifest Load(string folderOrManifestPath)
    {
        var full = System.IO.Path.GetFullPath(folderOrManifestPath);
        var file = Directory.Exists(full) ? System.IO.Path.Combine(full, FileName) : full;
        if (!File.Exists(file)) throw new ModelLoadException("(manifest)", $"no manifest at {file}");
        string json;
        try { json = File.ReadAllText(file, Encoding.UTF8); }
        catch (IOException e) { throw new ModelLoadException("(manifest)", $"cannot read {file}: {e.Message}"); }
        return Parse(json, System.IO.Path.GetDirectoryName(file)!);
    }

    /// <summary>Parses and validates a manifest; <paramref name="folder"/> is where its weights must be.</summary>
    public static ModelManifest Parse(string json, string folder)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow }); }
        catch (JsonException e) { throw new ModelLoadException("(manifest)", $"not valid JSON: {e.Message}"); }
        using (doc)
        {
            folder = System.IO.Path.GetFullPath(folder);
            var root = ManifestReader.Object(doc.RootElement, "");

            var name = root.String("name");
            if (NameProblem(name) is { } nameProblem) throw ManifestReader.Error("name", nameProblem);
            var description = root.String("description");
            if (string.IsNullOrWhiteSpace(description) || description.Length > MaxDescriptionLength)
                throw ManifestReader.Error("description", $"must be non-empty and at most {MaxDescriptionLength} characters");

            var backend = root.String("backend");
            if (backend is not (TorchSharp or Onnx or Simulated))
                throw ManifestReader.Error("backend", $"must be \"{TorchSharp}\", \"{Onnx}\" or \"{Simulated}\" (got \"{backend}\")");
            var weights = WeightsFile(root.String("weights"), "weights", backend switch { Onnx => ".onnx", Simulated => ".json", _ => ".safetensors" }, folder);

            var image = ParseImage(root.RequiredObject("image"));
            var conditioning = ParseConditioning(root.RequiredObject("conditioning"));
            var prediction = ParsePrediction(root.RequiredObject("prediction"));
            if (backend is (TorchSharp or Simulated) && prediction.Kind != PredictionKind.Velocity)
                throw ManifestReader.Error("prediction.kind", $"the {backend} backend runs velocity networks only; export an epsilon or x0 network to ONNX");
            var decoder = root.OptionalObject("decoder") is { } d ? ParseDecoder(d, folder) : null;
            var defaults = ParseDefaults(root.RequiredObject("defaults"));
            double flops = root.OptionalNumber("forward_flops", 0, 1, MaxForwardFlops);
            root.End();
            return new ModelManifest(name, description, backend, weights, image, conditioning, prediction, decoder, defaults, folder) { ForwardFlops = flops };
        }
    }

    private static string WeightsFile(string file, string path, string extension, string folder)
    {
        if (file.Length == 0 || file != System.IO.Path.GetFileName(file) || file is "." or ".." || file.Contains('\\'))
            throw ManifestReader.Error(path, $"must be a file name in the model folder, without directories (got \"{file}\")");
        if (!file.EndsWith(extension, StringComparison.Ordinal))
            throw ManifestReader.Error(path, $"must be a {extension} file for this backend (got \"{file}\")");
        if (!File.Exists(System.IO.Path.Combine(folder, file)))
            throw ManifestReader.Error(path, $"\"{file}\" is not in the model folder {folder}");
        return file;
    }

    private static ImageShape ParseShape(ManifestReader r, int[]? channels)
    {
        int c = r.Int("channels", 1, ImageShape.MaxChannels);
        if (channels is not null && !channels.Contains(c))
            throw ManifestReader.Error(r.PathOf("channels"), $"must be {string.Join(" or ", channels)} (got {c})");
        return new ImageShape(c, r.Int("height", 1, ImageShape.MaxSide), r.Int("width", 1, ImageShape.MaxSide));
    }

    private static ImageSpec ParseImage(ManifestReader r)
    {
        var shape = ParseShape(r, [1, 3]);
        var rangePath = r.PathOf("range");
        var range = ManifestReader.AsArray(r.Required("range"), rangePath, 2, 2);
        double lo = ManifestReader.AsNumber(range[0], rangePath + "[0]", double.MinValue, double.MaxValue);
        double hi = ManifestReader.AsNumber(range[1], rangePath + "[1]", double.MinValue, double.MaxValue);
        var pixelRange = (lo, hi) switch
        {
            (-1, 1) => PixelRange.MinusOneToOne,
            (0, 1) => PixelRange.ZeroToOne,
            _ => throw ManifestReader.Error(rangePath, $"must be [-1, 1] or [0, 1] (got [{range[0].GetRawText()}, {range[1].GetRawText()}])"),
        };
        r.End();
        return new ImageSpec(shape, pixelRange);
    }

    private static Conditioning ParseConditioning(ManifestReader r)
    {
        var kind = r.String("kind");
        Conditioning conditioning;
        string expectedNull;
        switch (kind)
        {
            case "class":
                {
                    var path = r.PathOf("classes");
                    var items = ManifestReader.AsArray(r.Required("classes"), path, 1, 100_000);
                    var names = new string[items.Count];
                    var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                    for (int i = 0; i < items.Count; i++)
                    {
                        var itemPath = $"{path}[{i}]";
                        names[i] = ManifestReader.AsString(items[i], itemPath);
                        if (string.IsNullOrWhiteSpace(names[i]) || names[i].Length > 200)
                            throw ManifestReader.Error(itemPath, "must be a non-empty name of at most 200 characters");
                        if (!seen.TryAdd(names[i], i)) throw ManifestReader.Error(itemPath, $"\"{names[i]}\" repeats {path}[{seen[names[i]]}] (names are compared ignoring case)");
                    }
                    conditioning = Conditioning.ForClasses(names);
                    expectedNull = $"label:{names.Length.ToString(CultureInfo.InvariantCulture)}";
                    break;
                }
            case "text":
                {
                    var encoder = r.String("encoder");
                    if (string.IsNullOrWhiteSpace(encoder)) throw ManifestReader.Error(r.PathOf("encoder"), "must name the text encoder");
                    conditioning = Conditioning.ForText(encoder, r.Int("embedding_size", 1, 8192));
                    expectedNull = "zeros";
                    break;
                }
            default:
                throw ManifestReader.Error(r.PathOf("kind"), $"must be \"class\" or \"text\" (got \"{kind}\")");
        }
        var nullCondition = r.String("null_condition");
        if (nullCondition != expectedNull)
            throw ManifestReader.Error(r.PathOf("null_condition"), conditioning.IsText
                ? $"a text model's unconditional branch is the zero embedding: must be \"zeros\" (got \"{nullCondition}\")"
                : $"a class model's null label is the class count: must be \"{expectedNull}\" (got \"{nullCondition}\")");
        if (conditioning.Problem() is { } problem) throw ManifestReader.Error(r.Path, problem);
        r.End();
        return conditioning;
    }

    private static PredictionSpec ParsePrediction(ManifestReader r)
    {
        var kind = r.String("kind") switch
        {
            "velocity" => PredictionKind.Velocity,
            "epsilon" => PredictionKind.Epsilon,
            "x0" => PredictionKind.X0,
            var other => throw ManifestReader.Error(r.PathOf("kind"), $"must be \"velocity\", \"epsilon\" or \"x0\" (got \"{other}\")"),
        };
        var time = r.String("time");
        PredictionSpec spec;
        if (kind == PredictionKind.Velocity)
        {
            if (time != "flow")
                throw ManifestReader.Error(r.PathOf("time"),
                    $"velocity is accepted in our flow convention only: must be \"flow\" (got \"{time}\"; VP v-prediction is not supported)");
            if (r.Has("schedule")) throw ManifestReader.Error(r.PathOf("schedule"), "a flow velocity model takes no schedule");
            spec = PredictionSpec.Velocity;
        }
        else
        {
            if (time != "vp") throw ManifestReader.Error(r.PathOf("time"), $"epsilon and x0 models are converted from a VP schedule: must be \"vp\" (got \"{time}\")");
            spec = new PredictionSpec(kind, ParseSchedule(r.RequiredObject("schedule")));
        }
        r.Optional("schedule");
        r.End();
        return spec;
    }

    private static VpSchedule ParseSchedule(ManifestReader r)
    {
        var kind = r.String("kind");
        if (kind != VpSchedule.Kind) throw ManifestReader.Error(r.PathOf("kind"), $"must be \"{VpSchedule.Kind}\" (got \"{kind}\")");
        double scale = r.OptionalNumber("timestep_scale", 1.0, 1e-9, 1e9);
        if (scale <= 0) throw ManifestReader.Error(r.PathOf("timestep_scale"), "must be positive");
        double[] alphas;
        if (r.Has("alphas_cumprod"))
        {
            foreach (var other in new[] { "beta_schedule", "beta_start", "beta_end", "steps" })
                if (r.Has(other)) throw ManifestReader.Error(r.PathOf(other), "give either alphas_cumprod or beta_schedule with beta_start, beta_end and steps, not both");
            var path = r.PathOf("alphas_cumprod");
            var items = ManifestReader.AsArray(r.Required("alphas_cumprod"), path, 2, VpSchedule.MaxSteps);
            alphas = new double[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                alphas[i] = ManifestReader.AsNumber(items[i], itemPath, double.MinValue, double.MaxValue);
                if (!(alphas[i] > 0 && alphas[i] < 1)) throw ManifestReader.Error(itemPath, $"must be strictly between 0 and 1 (got {items[i].GetRawText()})");
                if (i > 0 && !(alphas[i] < alphas[i - 1]))
                    throw ManifestReader.Error(itemPath,
                        $"must be smaller than {path}[{i - 1}] (alphas_cumprod decreases with the step; got {items[i].GetRawText()} after {items[i - 1].GetRawText()})");
            }
        }
        else
        {
            var betaSchedule = r.String("beta_schedule");
            if (betaSchedule is not ("linear" or "scaled_linear"))
                throw ManifestReader.Error(r.PathOf("beta_schedule"), $"must be \"linear\" or \"scaled_linear\" (got \"{betaSchedule}\"), or give alphas_cumprod");
            double start = r.Number("beta_start", double.Epsilon, 0.999), end = r.Number("beta_end", double.Epsilon, 0.999);
            int steps = r.Int("steps", 2, VpSchedule.MaxSteps);
            if (!(end > start)) throw ManifestReader.Error(r.PathOf("beta_end"), $"must be larger than beta_start ({start.ToString(CultureInfo.InvariantCulture)})");
            alphas = VpSchedule.AlphasFromBetas(betaSchedule, start, end, steps);
            if (!(alphas[^1] > 0 && alphas[0] < 1))
                throw ManifestReader.Error(r.PathOf("steps"), "the schedule's alphas_cumprod reach 0 (too many steps or too large betas)");
            r.Optional("alphas_cumprod");
        }
        r.End();
        return new VpSchedule(alphas, scale);
    }

    private static DecoderSpec ParseDecoder(ManifestReader r, string folder)
    {
        var weights = WeightsFile(r.String("weights"), r.PathOf("weights"), ".onnx", folder);
        var latentReader = r.RequiredObject("latent");
        var latent = ParseShape(latentReader, null);
        latentReader.End();
        double scale = r.Number("scale_factor", double.Epsilon, 1e6);
        double shift = r.OptionalNumber("shift_factor", 0.0, -1e6, 1e6);
        r.End();
        return new DecoderSpec(weights, latent, scale, shift);
    }

    private static ModelDefaults ParseDefaults(ManifestReader r)
    {
        var sampler = r.String("sampler");
        if (!ModelDefaults.Samplers.Contains(sampler))
            throw ManifestReader.Error(r.PathOf("sampler"), $"must be one of {string.Join(", ", ModelDefaults.Samplers)} (got \"{sampler}\")");
        var defaults = new ModelDefaults(sampler, r.Int("steps", 1, MaxSteps), (float)r.Number("guidance", 0, MaxGuidance));
        r.End();
        return defaults;
    }

    /// <summary>The manifest as <c>model.json</c> text (what <see cref="Parse"/> reads back; the folder is not written).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 2 }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteString("description", Description);
            w.WriteString("backend", Backend);
            w.WriteString("weights", Weights);
            w.WriteStartObject("image");
            WriteShape(w, Image.Shape);
            w.WriteStartArray("range");
            w.WriteNumberValue(Image.Range == PixelRange.ZeroToOne ? 0 : -1);
            w.WriteNumberValue(1);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("conditioning");
            if (Conditioning.IsText)
            {
                w.WriteString("kind", "text");
                w.WriteString("encoder", Conditioning.TextEncoder);
                w.WriteNumber("embedding_size", Conditioning.EmbeddingSize);
            }
            else
            {
                w.WriteString("kind", "class");
                w.WriteStartArray("classes");
                foreach (var c in Conditioning.ClassNames) w.WriteStringValue(c);
                w.WriteEndArray();
            }
            w.WriteString("null_condition", NullCondition);
            w.WriteEndObject();
            w.WriteStartObject("prediction");
            w.WriteString("kind", Prediction.Kind switch { PredictionKind.Epsilon => "epsilon", PredictionKind.X0 => "x0", _ => "velocity" });
            w.WriteString("time", Prediction.Time);
            if (Prediction.Schedule is { } s)
            {
                w.WriteStartObject("schedule");
                w.WriteString("kind", VpSchedule.Kind);
                w.WriteStartArray("alphas_cumprod");
                foreach (var a in s.AlphasCumprod) w.WriteNumberValue(a);
                w.WriteEndArray();
                w.WriteNumber("timestep_scale", s.TimestepScale);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            if (Decoder is { } d)
            {
                w.WriteStartObject("decoder");
                w.WriteString("weights", d.Weights);
                w.WriteStartObject("latent");
                WriteShape(w, d.Latent);
                w.WriteEndObject();
                w.WriteNumber("scale_factor", d.ScaleFactor);
                w.WriteNumber("shift_factor", d.ShiftFactor);
                w.WriteEndObject();
            }
            w.WriteStartObject("defaults");
            w.WriteString("sampler", Defaults.Sampler);
            w.WriteNumber("steps", Defaults.Steps);
            w.WriteNumber("guidance", Defaults.Guidance);
            w.WriteEndObject();
            if (ForwardFlops > 0) w.WriteNumber("forward_flops", ForwardFlops);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteShape(Utf8JsonWriter w, ImageShape shape)
    {
        w.WriteNumber("channels", shape.Channels);
        w.WriteNumber("height", shape.Height);
        w.WriteNumber("width", shape.Width);
    }
}
