using System.Text.Json.Nodes;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Models;
using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Onnx;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Diffusion.Tests.Models;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly ModelFolders folders = new();

    public void Dispose() => folders.Dispose();

    /// <summary>A torchsharp class model folder with tiny weights built for <paramref name="weights"/>, described by <paramref name="manifest"/>.</summary>
    private string TorchFolder(string name, JsonObject manifest, UNetConfig weights)
    {
        var folder = folders.Folder(name);
        ModelFolders.WriteUNet(Path.Combine(folder, "velocity.safetensors"), weights);
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        return folder;
    }

    private static Tensor Velocity(IVelocityNetwork network, int n, int seed)
    {
        var g = Generator(seed);
        var x = randn(network.Shape.Batch(n), generator: g);
        var t = rand([n], generator: g);
        var c = network.Conditioning.IsText
            ? randn([n, network.Conditioning.EmbeddingSize], generator: g)
            : tensor(Enumerable.Range(0, n).Select(i => (long)(i % (network.Conditioning.Classes + 1))).ToArray());
        return network.Forward(x, t, c);
    }

    private static TorchSharp.torch.Generator Generator(int seed) => new TorchSharp.torch.Generator((ulong)seed);

    [Fact]
    public void BadFoldersAreRefusedWithTheFieldNamedAndTheRestAreServed()
    {
        var good = TorchFolder("good", ModelFolders.ClassManifest("tiny"), ModelFolders.TinyConfig());
        var expected = new List<(string Name, string Field)>();
        var bad = new List<string>();
        void Bad(string name, string field, JsonObject manifest, UNetConfig weights)
        {
            bad.Add(TorchFolder(name, manifest, weights));
            expected.Add((name, field));
        }
        Bad("tall", "image.height", ModelFolders.ClassManifest("tall", side: 16), ModelFolders.TinyConfig());
        Bad("rgb", "image.channels", ModelFolders.ClassManifest("rgb", channels: 3), ModelFolders.TinyConfig());
        Bad("four", "conditioning.classes", ModelFolders.ClassManifest("four", classes: ["a", "b", "c", "d"]), ModelFolders.TinyConfig());
        var text = ModelFolders.ClassManifest("text");
        text["conditioning"] = new JsonObject { ["kind"] = "text", ["encoder"] = "e", ["embedding_size"] = 8, ["null_condition"] = "zeros" };
        Bad("text", "conditioning.kind", text, ModelFolders.TinyConfig());
        var textSize = ModelFolders.ClassManifest("text-size");
        textSize["conditioning"] = new JsonObject { ["kind"] = "text", ["encoder"] = "e", ["embedding_size"] = 8, ["null_condition"] = "zeros" };
        Bad("text-size", "conditioning.embedding_size", textSize, ModelFolders.TinyConfig(text: 16));
        var noDefaults = ModelFolders.ClassManifest("no-defaults");
        noDefaults.Remove("defaults");
        Bad("no-defaults", "defaults", noDefaults, ModelFolders.TinyConfig());
        Bad("twin", "name", ModelFolders.ClassManifest("tiny"), ModelFolders.TinyConfig());
        var garbage = folders.Write("garbage", ModelFolders.ClassManifest("garbage"), "velocity.safetensors");
        File.WriteAllText(Path.Combine(garbage, "velocity.safetensors"), "not a safetensors file");
        bad.Add(garbage);
        expected.Add(("garbage", "weights"));
        bad.Add(folders.Folder("empty"));
        expected.Add(("empty", "(manifest)"));

        var log = new List<string>();
        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = [good, .. bad] }, log.Add);

        var served = Assert.Single(registry.Models);
        Assert.Equal("tiny", served.Name);
        Assert.Equal(new ImageShape(1, 8, 8), served.Shape);
        Assert.Equal(served.Shape, served.ImageShape);
        Assert.Null(served.LatentShape);
        Assert.Equal(["a", "b", "c"], served.Conditioning.ClassNames);
        Assert.Equal("torchsharp", served.Backend);
        Assert.Equal("cpu", served.Device);
        Assert.Equal("tiny", registry.DefaultName);
        Assert.Equal(expected, registry.Failures.Select(f => (f.Name == "tiny" ? "twin" : f.Name, f.Field)).ToList());
        Assert.All(registry.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
        Assert.Equal(1 + bad.Count, log.Count);
        Assert.Contains(log, l => l.Contains("image.height", StringComparison.Ordinal) && l.Contains("tall", StringComparison.Ordinal));

        var model = registry.Get("tiny");
        Assert.Same(model, registry.Get());
        Assert.Equal(new ImageShape(1, 8, 8), model.Shape);
        Assert.IsType<TorchVelocityNetwork>(model.Network);
        Assert.Equal(model.Shape, model.Field.Shape);
        using var x = randn(model.Shape.Batch(3));
        using var v = model.Field.Evaluate(x, [new VelocityQuery(1f, 0, 1.5f), new VelocityQuery(0.5f, 3, 1f), new VelocityQuery(0.2f, 2, 2f)]);
        Assert.Equal(model.Shape.Batch(3), v.shape);

        var e = Assert.Throws<ModelNotFoundException>(() => registry.Get("nope"));
        Assert.Equal(["tiny"], e.Known);
        Assert.Contains("tiny", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BothBackendsOfOneNetworkAreServedSideBySideAndAgree()
    {
        var config = ModelFolders.TinyConfig();
        var torchFolder = TorchFolder("torch", ModelFolders.ClassManifest("tiny-torch"), config);
        var onnxFolder = folders.Folder("onnx");
        using (var unet = VelocityModelFile.Load(Path.Combine(torchFolder, "velocity.safetensors")))
            File.WriteAllBytes(Path.Combine(onnxFolder, "velocity.onnx"), OnnxExporter.Export(unet));
        var onnxManifest = ModelFolders.ClassManifest("tiny-onnx");
        onnxManifest["backend"] = "onnx";
        onnxManifest["weights"] = "velocity.onnx";
        File.WriteAllText(Path.Combine(onnxFolder, "model.json"), onnxManifest.ToJsonString());

        using var registry = new ModelRegistry(
            new ModelRegistryOptions { Folders = [torchFolder, onnxFolder], DefaultModel = "tiny-onnx", Load = new ModelLoadSettings(Threads: 1) });
        Assert.Empty(registry.Failures);
        Assert.Equal(["tiny-torch", "tiny-onnx"], registry.Names);
        Assert.Equal("tiny-onnx", registry.DefaultName);
        Assert.Equal("onnx", registry.Get().Info.Backend);
        using var a = Velocity(registry.Get("tiny-torch").Network, 8, 3);
        using var b = Velocity(registry.Get("tiny-onnx").Network, 8, 3);
        Assert.True(a.abs().max().item<float>() > 1e-3f, "the test network's output is not trivially zero");
        Assert.True((a - b).abs().max().item<float>() <= 1e-4f, $"max |torch - onnx| = {(a - b).abs().max().item<float>()}");
    }

    [Fact]
    public void AnOnnxGraphThatDoesNotTakeTheDeclaredShapeIsRefused()
    {
        var config = ModelFolders.TinyConfig();
        var folder = folders.Folder("onnx-wrong");
        using (var unet = new VelocityUNet(config)) File.WriteAllBytes(Path.Combine(folder, "velocity.onnx"), OnnxExporter.Export(unet));
        var manifest = ModelFolders.ClassManifest("wrong", side: 12);
        manifest["backend"] = "onnx";
        manifest["weights"] = "velocity.onnx";
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = [folder] });
        Assert.Empty(registry.Models);
        var failure = Assert.Single(registry.Failures);
        Assert.Equal("wrong", failure.Name);
        Assert.Equal("weights", failure.Field);
        Assert.Null(registry.DefaultName);
        Assert.Throws<ModelNotFoundException>(() => registry.Get());
    }

    /// <summary>An "epsilon network" as ONNX: eps_hat = 0.5 x + 0 t + 0 label (it takes the denoiser's inputs and output).</summary>
    private static byte[] HalfNetwork(ImageShape shape)
    {
        var g = new OnnxGraphBuilder("half");
        var x = g.Input("x", OnnxElementType.Float, "N", shape.Channels, shape.Height, shape.Width);
        var t = g.Input("t", OnnxElementType.Float, "N");
        var c = g.Input("condition", OnnxElementType.Int64, "N");
        var shape4 = g.Longs("shape4", -1, 1, 1, 1);
        var zero = g.Scalar("zero", 0f);
        var tc = g.Node("Mul", [g.Node("Reshape", [t, shape4]), zero]);
        var cc = g.Node("Mul", [g.Node("Reshape", [g.Node("Cast", [c], OnnxAttribute.Int("to", 1)), shape4]), zero]);
        var half = g.Node("Mul", [x, g.Scalar("half", 0.5f)]);
        g.NodeNamed("Add", [g.Node("Add", [half, tc]), cc], ["v"]);
        g.Output("v", OnnxElementType.Float, "N", shape.Channels, shape.Height, shape.Width);
        return g.ToModel();
    }

    [Fact]
    public void AnEpsilonModelIsServedThroughThePredictionConversion()
    {
        var folder = folders.Folder("eps");
        var shape = new ImageShape(1, 8, 8);
        File.WriteAllBytes(Path.Combine(folder, "eps.onnx"), HalfNetwork(shape));
        var manifest = ModelFolders.ClassManifest("eps");
        manifest["backend"] = "onnx";
        manifest["weights"] = "eps.onnx";
        manifest["prediction"] = new JsonObject
        {
            ["kind"] = "epsilon",
            ["time"] = "vp",
            ["schedule"] = new JsonObject { ["kind"] = "vp-discrete", ["alphas_cumprod"] = new JsonArray(0.99, 0.9, 0.6, 0.3, 0.1, 0.02) },
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = [folder] });
        Assert.Empty(registry.Failures);
        var model = registry.Get("eps");
        Assert.Equal(PredictionKind.Epsilon, model.Info.Prediction);
        var conversion = Assert.IsType<PredictionConversion>(model.Network);
        Assert.IsType<OnnxVelocityNetwork>(conversion.Inner);
        using var x = randn(shape.Batch(2));
        using var t = tensor(new[] { 0.5f, 1f });
        using var v = model.Network.Forward(x, t, tensor(new long[] { 0, 3 }));
        var xs = x.data<float>().ToArray();
        var vs = v.data<float>().ToArray();
        for (int r = 0; r < 2; r++)
        {
            var plan = conversion.Plan(r == 0 ? 0.5 : 1.0);
            for (int i = 0; i < shape.Size; i++)
            {
                double xi = xs[r * shape.Size + i], expectedV = plan.A * xi + plan.B * 0.5 * (float)(xi * plan.Scale);
                Assert.True(Math.Abs(expectedV - vs[r * shape.Size + i]) <= 1e-4, $"row {r}: {vs[r * shape.Size + i]}, expected {expectedV}");
            }
        }
    }

    [Fact]
    public void ALatentModelDecodesItsFinalLatentsToPixelsOfTheImageShape()
    {
        // Denoiser on latents 2x8x8 (torchsharp), decoder 2x8x8 -> 3x16x16 (ONNX ConvTranspose), images in [0, 1].
        var folder = folders.Folder("latent");
        ModelFolders.WriteUNet(Path.Combine(folder, "velocity.safetensors"), ModelFolders.TinyConfig(channels: 2));
        File.WriteAllBytes(Path.Combine(folder, "decoder.onnx"), ModelFolders.Decoder(2, 3, 8));
        var manifest = ModelFolders.ClassManifest("latent", channels: 3, side: 16);
        ((JsonObject)manifest["image"]!)["range"] = new JsonArray(0, 1);
        manifest["decoder"] = new JsonObject
        {
            ["weights"] = "decoder.onnx",
            ["latent"] = new JsonObject { ["channels"] = 2, ["height"] = 8, ["width"] = 8 },
            ["scale_factor"] = 0.5,
            ["shift_factor"] = 0.1,
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());

        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = [folder] });
        Assert.Empty(registry.Failures);
        var info = Assert.Single(registry.Models);
        Assert.True(info.IsLatent);
        Assert.Equal(new ImageShape(2, 8, 8), info.Shape);
        Assert.Equal(new ImageShape(2, 8, 8), info.LatentShape);
        Assert.Equal(new ImageShape(3, 16, 16), info.ImageShape);
        var model = registry.Get("latent");
        Assert.NotNull(model.Decoder);
        Assert.Equal(model.Shape, model.Field.Shape);

        // Sample two latents (Euler, 4 steps), then render them.
        var sampler = new TrajectorySampler(model.Field);
        var trajectories = Enumerable.Range(0, 2).Select(i => sampler.Create(new TrajectorySpec(new NoiseSeed(1, 0, (uint)i), i, 1.5f, SamplerKind.Euler, 4))).ToList();
        while (trajectories.Any(t => !t.IsDone)) sampler.Step([.. trajectories.Where(t => !t.IsDone)]);
        var latents = trajectories.SelectMany(t => t.State.ToArray()).ToArray();
        Assert.Equal(2 * 128, latents.Length);
        var pixels = model.Render(latents, 2);
        Assert.Equal(2 * 3 * 16 * 16, pixels.Length);
        using var rendered = model.Render(tensor(latents, model.Shape.Batch(2)));
        Assert.Equal(new long[] { 2, 3, 16, 16 }, rendered.shape);
        Assert.Equal(pixels, rendered.data<float>().ToArray());
        for (int n = 0; n < 2; n++)
        {
            var input = latents.AsSpan(n * 128, 128).ToArray().Select(z => z / 0.5f + 0.1f).ToArray();
            var reference = ModelFolders.DecodeReference(input, 2, 3, 8);
            for (int i = 0; i < reference.Length; i++) // [0, 1] -> [-1, 1]
                Assert.True(Math.Abs(2 * reference[i] - 1 - pixels[n * 768 + i]) <= 1e-4, $"pixel {i}: {pixels[n * 768 + i]}, reference {2 * reference[i] - 1}");
        }
    }

    [Fact]
    public void TheShippedFashionMnistFolderIsServed()
    {
        var folder = Path.Combine(ModelManifestTests.RepoRoot(), "models", "velocity-unet");
        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = [folder] });
        Assert.Empty(registry.Failures);
        var model = registry.Get("velocity-unet");
        Assert.Equal(new ImageShape(1, 28, 28), model.Shape);
        Assert.Equal(10, model.Network.Conditioning.Classes);
        Assert.Equal("Ankle boot", model.Conditioning.ClassNames[9]);
        using var x = randn(model.Shape.Batch(2));
        using var v = model.Field.Evaluate(x, [new VelocityQuery(1f, 9, 1.5f), new VelocityQuery(0.5f, 10, 1f)]);
        Assert.True(v.abs().max().item<float>() > 0.1f);
    }

    [Fact]
    public void TrajectoryStatesOfAPixelModelInMinusOneToOneRenderUnchanged()
    {
        var folder = TorchFolder("pixels", ModelFolders.ClassManifest("pixels"), ModelFolders.TinyConfig());
        using var model = LoadedModel.Load(folder);
        var states = Enumerable.Range(0, 128).Select(i => i / 64f - 1).ToArray();
        Assert.Equal(states, model.Render(states, 2));
        Assert.Null(model.Decoder);
    }
}
