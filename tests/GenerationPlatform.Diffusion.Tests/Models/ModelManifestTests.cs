using System.Text.Json.Nodes;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Tests.Models;

public sealed class ModelManifestTests : IDisposable
{
    private readonly ModelFolders folders = new();

    public void Dispose() => folders.Dispose();

    private ModelManifest Parse(JsonNode manifest, params string[] files) =>
        ModelManifest.Load(folders.Write("m" + Guid.NewGuid().ToString("N")[..8], manifest, files));

    private static JsonObject Obj(JsonNode node, string path)
    {
        foreach (var part in path.Split('.')) node = node[part]!;
        return (JsonObject)node;
    }

    [Fact]
    public void AValidClassManifestReadsEveryField()
    {
        var m = Parse(ModelFolders.ClassManifest(), "velocity.safetensors");
        Assert.Equal("tiny", m.Name);
        Assert.Equal(ModelManifest.TorchSharp, m.Backend);
        Assert.Equal(new ImageShape(1, 8, 8), m.Image.Shape);
        Assert.Equal(PixelRange.MinusOneToOne, m.Image.Range);
        Assert.Equal(["a", "b", "c"], m.Conditioning.ClassNames);
        Assert.Equal("label:3", m.NullCondition);
        Assert.Equal(PredictionKind.Velocity, m.Prediction.Kind);
        Assert.Null(m.Decoder);
        Assert.Equal(m.Image.Shape, m.StateShape);
        Assert.Equal(new ModelDefaults("heun", 10, 1.5f), m.Defaults);
        Assert.True(File.Exists(m.WeightsPath));
    }

    [Fact]
    public void ALatentEpsilonTextManifestReadsItsScheduleAndDecoder()
    {
        var m = Parse(ModelFolders.EpsilonManifest(), "denoiser.onnx", "decoder.onnx");
        Assert.Equal(PixelRange.ZeroToOne, m.Image.Range);
        Assert.True(m.Conditioning.IsText);
        Assert.Equal(384, m.Conditioning.EmbeddingSize);
        Assert.Equal("zeros", m.NullCondition);
        Assert.Equal(PredictionKind.Epsilon, m.Prediction.Kind);
        Assert.Equal("vp", m.Prediction.Time);
        var s = m.Prediction.Schedule!;
        Assert.Equal(1000, s.Steps);
        // Stable Diffusion's scaled-linear schedule: alphas_cumprod[0] = 1 - 0.00085, alphas_cumprod[999] ~ 0.00466.
        Assert.Equal(1 - 0.00085, s.AlphasCumprod[0], 12);
        Assert.InRange(s.AlphasCumprod[999], 0.0046, 0.0047);
        Assert.Equal(new ImageShape(4, 8, 8), m.StateShape);
        Assert.Equal(new ImageShape(3, 16, 16), m.Image.Shape);
        Assert.Equal(0.18215, m.Decoder!.ScaleFactor);
        Assert.Equal(0.0, m.Decoder.ShiftFactor);
    }

    [Fact]
    public void ToJsonRoundTrips()
    {
        var cases = new (JsonObject, string[])[] { (ModelFolders.ClassManifest(), ["velocity.safetensors"]), (ModelFolders.EpsilonManifest(), ["denoiser.onnx", "decoder.onnx"]) };
        foreach (var (json, files) in cases)
        {
            var m = Parse(json, files);
            var again = ModelManifest.Parse(m.ToJson(), m.Folder);
            Assert.Equal(m.ToJson(), again.ToJson());
            Assert.Equal(m.Describe() with { Conditioning = again.Conditioning }, again.Describe());
            Assert.Equal(m.Conditioning.ClassNames, again.Conditioning.ClassNames);
            Assert.Equal(m.Prediction.Schedule?.AlphasCumprod ?? [], again.Prediction.Schedule?.AlphasCumprod ?? []);
        }
    }

    [Fact]
    public void TheShippedManifestsParse()
    {
        var root = RepoRoot();
        var torch = ModelManifest.Load(Path.Combine(root, "models", "velocity-unet"));
        Assert.Equal("velocity-unet", torch.Name);
        Assert.Equal(ModelFolders.FashionClasses, torch.Conditioning.ClassNames);
        Assert.Equal(new ImageShape(1, 28, 28), torch.Image.Shape);
        Assert.Equal(new ModelDefaults("heun", 10, 1.5f), torch.Defaults);
        // The ONNX variant's weights come from genplat export-onnx; parse its manifest with a stand-in file.
        var onnxJson = File.ReadAllText(Path.Combine(root, "models", "velocity-unet-onnx", "model.json"));
        var folder = folders.Folder("onnx");
        File.WriteAllBytes(Path.Combine(folder, "velocity.onnx"), []);
        var onnx = ModelManifest.Parse(onnxJson, folder);
        Assert.Equal("velocity-unet-onnx", onnx.Name);
        Assert.Equal(ModelManifest.Onnx, onnx.Backend);
        Assert.Equal(torch.Conditioning.ClassNames, onnx.Conditioning.ClassNames);
        Assert.Equal(torch.Image, onnx.Image);
        Assert.Equal(torch.Defaults, onnx.Defaults);
    }

    /// <summary>The repository this file was compiled from (then the test binaries' folder, for a copied build).</summary>
    internal static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(source), AppContext.BaseDirectory })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GenerationPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + source + " or " + AppContext.BaseDirectory);
    }

    /// <summary>Each bad manifest, with the field its error must name.</summary>
    public static TheoryData<string, string> BadCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, c) in Cases) data.Add(name, c.Field);
        return data;
    }

    private static readonly Dictionary<string, (string Field, Action<JsonObject> Mutate, bool Epsilon)> Cases = new()
    {
        ["name missing"] = ("name", m => m.Remove("name"), false),
        ["name with capitals"] = ("name", m => m["name"] = "Fashion-MNIST", false),
        ["name with underscore"] = ("name", m => m["name"] = "fashion_mnist", false),
        ["name ending in hyphen"] = ("name", m => m["name"] = "fashion-", false),
        ["name too long"] = ("name", m => m["name"] = new string('a', 65), false),
        ["name not a string"] = ("name", m => m["name"] = 3, false),
        ["description empty"] = ("description", m => m["description"] = " ", false),
        ["backend unknown"] = ("backend", m => m["backend"] = "pytorch", false),
        ["backend missing"] = ("backend", m => m.Remove("backend"), false),
        ["weights missing from folder"] = ("weights", m => m["weights"] = "other.safetensors", false),
        ["weights with a directory"] = ("weights", m => m["weights"] = "../velocity.safetensors", false),
        ["weights of the wrong kind for the backend"] = ("weights", m => m["backend"] = "onnx", false),
        ["simulated weights not a timing file"] = ("weights", m => m["backend"] = "simulated", false),
        ["image missing"] = ("image", m => m.Remove("image"), false),
        ["image not an object"] = ("image", m => m["image"] = "28x28", false),
        ["image.channels 2"] = ("image.channels", m => Obj(m, "image")["channels"] = 2, false),
        ["image.channels a string"] = ("image.channels", m => Obj(m, "image")["channels"] = "1", false),
        ["image.height zero"] = ("image.height", m => Obj(m, "image")["height"] = 0, false),
        ["image.width fractional"] = ("image.width", m => Obj(m, "image")["width"] = 8.5, false),
        ["image.width too large"] = ("image.width", m => Obj(m, "image")["width"] = 4096, false),
        ["image.range 0..255"] = ("image.range", m => Obj(m, "image")["range"] = new JsonArray(0, 255), false),
        ["image.range one number"] = ("image.range", m => Obj(m, "image")["range"] = new JsonArray(1), false),
        ["image.range[1] a string"] = ("image.range[1]", m => Obj(m, "image")["range"] = new JsonArray(-1, "1"), false),
        ["image unknown field"] = ("image.colour", m => Obj(m, "image")["colour"] = "rgb", false),
        ["unknown top-level field"] = ("weight", m => m["weight"] = "x", false),
        ["conditioning.kind unknown"] = ("conditioning.kind", m => Obj(m, "conditioning")["kind"] = "label", false),
        ["conditioning.classes missing"] = ("conditioning.classes", m => Obj(m, "conditioning").Remove("classes"), false),
        ["conditioning.classes empty"] = ("conditioning.classes", m => Obj(m, "conditioning")["classes"] = new JsonArray(), false),
        ["conditioning.classes[1] a number"] = ("conditioning.classes[1]", m => Obj(m, "conditioning")["classes"] = new JsonArray("a", 1, "c"), false),
        ["conditioning.classes[2] repeats"] = ("conditioning.classes[2]", m => Obj(m, "conditioning")["classes"] = new JsonArray("a", "b", "A"), false),
        ["conditioning.null_condition wrong label"] = ("conditioning.null_condition", m => Obj(m, "conditioning")["null_condition"] = "label:2", false),
        ["conditioning.null_condition zeros for classes"] = ("conditioning.null_condition", m => Obj(m, "conditioning")["null_condition"] = "zeros", false),
        ["conditioning.null_condition missing"] = ("conditioning.null_condition", m => Obj(m, "conditioning").Remove("null_condition"), false),
        ["conditioning encoder on a class model"] = ("conditioning.encoder", m => Obj(m, "conditioning")["encoder"] = "clip", false),
        ["text conditioning.encoder missing"] = ("conditioning.encoder", m => Obj(m, "conditioning").Remove("encoder"), true),
        ["text conditioning.embedding_size zero"] = ("conditioning.embedding_size", m => Obj(m, "conditioning")["embedding_size"] = 0, true),
        ["text conditioning.null_condition a label"] = ("conditioning.null_condition", m => Obj(m, "conditioning")["null_condition"] = "label:0", true),
        ["prediction.kind unknown"] = ("prediction.kind", m => Obj(m, "prediction")["kind"] = "v", false),
        ["prediction.time vp for velocity"] = ("prediction.time", m => Obj(m, "prediction")["time"] = "vp", false),
        ["prediction.schedule on a velocity model"] = ("prediction.schedule", m => Obj(m, "prediction")["schedule"] = new JsonObject { ["kind"] = "vp-discrete" }, false),
        ["epsilon on the torchsharp backend"] = ("prediction.kind", m => m["prediction"] = ModelFolders.EpsilonManifest()["prediction"]!.DeepClone(), false),
        ["prediction.time flow for epsilon"] = ("prediction.time", m => Obj(m, "prediction")["time"] = "flow", true),
        ["prediction.schedule missing"] = ("prediction.schedule", m => Obj(m, "prediction").Remove("schedule"), true),
        ["prediction.schedule.kind unknown"] = ("prediction.schedule.kind", m => Obj(m, "prediction.schedule")["kind"] = "cosine", true),
        ["prediction.schedule.beta_schedule unknown"] = ("prediction.schedule.beta_schedule", m => Obj(m, "prediction.schedule")["beta_schedule"] = "squaredcos", true),
        ["prediction.schedule.beta_end below beta_start"] = ("prediction.schedule.beta_end", m => Obj(m, "prediction.schedule")["beta_end"] = 0.0001, true),
        ["prediction.schedule.steps missing"] = ("prediction.schedule.steps", m => Obj(m, "prediction.schedule").Remove("steps"), true),
        ["prediction.schedule both alphas and betas"] = ("prediction.schedule.beta_schedule", m => Obj(m, "prediction.schedule")["alphas_cumprod"] = new JsonArray(0.9, 0.5), true),
        ["prediction.schedule.alphas_cumprod[3] not decreasing"] = ("prediction.schedule.alphas_cumprod[3]", m => Obj(m, "prediction")["schedule"] =
            new JsonObject { ["kind"] = "vp-discrete", ["alphas_cumprod"] = new JsonArray(0.99, 0.9, 0.5, 0.6, 0.1) }, true),
        ["prediction.schedule.alphas_cumprod[0] is 1"] = ("prediction.schedule.alphas_cumprod[0]", m => Obj(m, "prediction")["schedule"] =
            new JsonObject { ["kind"] = "vp-discrete", ["alphas_cumprod"] = new JsonArray(1.0, 0.5) }, true),
        ["prediction.schedule.alphas_cumprod[1] a string"] = ("prediction.schedule.alphas_cumprod[1]", m => Obj(m, "prediction")["schedule"] =
            new JsonObject { ["kind"] = "vp-discrete", ["alphas_cumprod"] = new JsonArray(0.9, "0.5") }, true),
        ["prediction.schedule.timestep_scale zero"] = ("prediction.schedule.timestep_scale", m => Obj(m, "prediction.schedule")["timestep_scale"] = 0, true),
        ["prediction.schedule unknown field"] = ("prediction.schedule.clip_sample", m => Obj(m, "prediction.schedule")["clip_sample"] = true, true),
        ["decoder.weights missing from folder"] = ("decoder.weights", m => Obj(m, "decoder")["weights"] = "vae.onnx", true),
        ["decoder.weights not onnx"] = ("decoder.weights", m => Obj(m, "decoder")["weights"] = "denoiser.safetensors", true),
        ["decoder.latent.channels zero"] = ("decoder.latent.channels", m => Obj(m, "decoder.latent")["channels"] = 0, true),
        ["decoder.latent missing"] = ("decoder.latent", m => Obj(m, "decoder").Remove("latent"), true),
        ["decoder.scale_factor missing"] = ("decoder.scale_factor", m => Obj(m, "decoder").Remove("scale_factor"), true),
        ["decoder.scale_factor negative"] = ("decoder.scale_factor", m => Obj(m, "decoder")["scale_factor"] = -1, true),
        ["defaults missing"] = ("defaults", m => m.Remove("defaults"), false),
        ["defaults.sampler unknown"] = ("defaults.sampler", m => Obj(m, "defaults")["sampler"] = "ddim", false),
        ["defaults.steps zero"] = ("defaults.steps", m => Obj(m, "defaults")["steps"] = 0, false),
        ["defaults.steps a string"] = ("defaults.steps", m => Obj(m, "defaults")["steps"] = "10", false),
        ["defaults.guidance negative"] = ("defaults.guidance", m => Obj(m, "defaults")["guidance"] = -1, false),
        ["defaults unknown field"] = ("defaults.eta", m => Obj(m, "defaults")["eta"] = 0.5, false),
    };

    [Theory]
    [MemberData(nameof(BadCases))]
    public void ABadManifestIsRefusedNamingTheField(string @case, string field)
    {
        var (_, mutate, epsilon) = Cases[@case];
        var json = epsilon ? ModelFolders.EpsilonManifest() : ModelFolders.ClassManifest();
        mutate(json);
        var e = Assert.Throws<ModelLoadException>(() => epsilon
            ? Parse(json, "denoiser.onnx", "decoder.onnx", "denoiser.safetensors")
            : Parse(json, "velocity.safetensors"));
        Assert.Equal(field, e.Field);
        Assert.StartsWith(field + ": ", e.Message);
    }

    [Theory]
    [InlineData("{ \"name\": ")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public void TextThatIsNotAManifestObjectIsRefused(string json)
    {
        var folder = folders.Folder("broken");
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, folder));
        Assert.Equal("(manifest)", e.Field);
    }

    [Fact]
    public void AFieldGivenTwiceIsRefused()
    {
        var json = ModelFolders.ClassManifest().ToJsonString().Replace("\"backend\":\"torchsharp\"", "\"backend\":\"torchsharp\",\"backend\":\"onnx\"", StringComparison.Ordinal);
        var folder = folders.Write("twice", ModelFolders.ClassManifest(), "velocity.safetensors");
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Parse(json, folder));
        Assert.Equal("backend", e.Field);
    }

    [Fact]
    public void AFolderWithoutAManifestIsRefused()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(folders.Folder("empty")));
        Assert.Equal("(manifest)", e.Field);
    }

    [Fact]
    public void ALinearBetaScheduleMatchesDdpm()
    {
        var json = ModelFolders.EpsilonManifest();
        Obj(json, "prediction.schedule")["beta_schedule"] = "linear";
        Obj(json, "prediction.schedule")["beta_start"] = 0.0001;
        Obj(json, "prediction.schedule")["beta_end"] = 0.02;
        var s = Parse(json, "denoiser.onnx", "decoder.onnx").Prediction.Schedule!;
        // DDPM (Ho et al. 2020): alpha_bar_T ~ 4.04e-5 at T = 1000.
        Assert.InRange(s.AlphasCumprod[999], 4.0e-5, 4.1e-5);
        Assert.Equal(0.9999 * (1 - (0.0001 + 0.0199 / 999)), s.AlphasCumprod[1], 12);
    }
}
