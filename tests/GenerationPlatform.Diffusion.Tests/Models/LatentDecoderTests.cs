using GenerationPlatform.Diffusion.Models;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Tests.Models;

public sealed class LatentDecoderTests : IDisposable
{
    private readonly ModelFolders folders = new();

    public void Dispose() => folders.Dispose();

    private string DecoderFile(byte[] model)
    {
        var path = Path.Combine(folders.Folder("d" + Guid.NewGuid().ToString("N")[..8]), "decoder.onnx");
        File.WriteAllBytes(path, model);
        return path;
    }

    private static readonly DecoderSpec Spec = new("decoder.onnx", new ImageShape(4, 4, 4), ScaleFactor: 0.25, ShiftFactor: -0.5);
    private static readonly ImageSpec Rgb8 = new(new ImageShape(3, 8, 8), PixelRange.MinusOneToOne);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DecodesABatchExactlyWithScaleAndShift(bool symbolicBatch)
    {
        using var decoder = new LatentDecoder(DecoderFile(ModelFolders.Decoder(4, 3, 4, symbolicBatch)), Spec, Rgb8, maxBatch: 2);
        Assert.Equal("cpu", decoder.Device);
        var rng = new Random(2);
        int n = 5; // more than maxBatch, and a fixed-batch-1 decoder runs one at a time
        var latents = Enumerable.Range(0, n * 64).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var images = decoder.Decode(latents, n);
        Assert.Equal(n * 192, images.Length);
        for (int k = 0; k < n; k++)
        {
            var input = latents.AsSpan(k * 64, 64).ToArray().Select(z => z / 0.25f - 0.5f).ToArray();
            var reference = ModelFolders.DecodeReference(input, 4, 3, 4);
            for (int i = 0; i < reference.Length; i++) Assert.True(Math.Abs(reference[i] - images[k * 192 + i]) <= 1e-4);
        }
    }

    [Fact]
    public void AnOutputThatIsNotTheImageShapeIsRefused()
    {
        var path = DecoderFile(ModelFolders.Decoder(4, 3, 4));
        var e = Assert.Throws<ModelLoadException>(() => new LatentDecoder(path, Spec, new ImageSpec(new ImageShape(3, 16, 16), PixelRange.MinusOneToOne)));
        Assert.Equal("decoder.weights", e.Field);
        Assert.Contains("16", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ModelLoadException>(() => new LatentDecoder(path, Spec, new ImageSpec(new ImageShape(1, 8, 8), PixelRange.MinusOneToOne)));
        Assert.Equal("decoder.weights", e.Field);
    }

    [Fact]
    public void AnInputThatIsNotTheLatentShapeIsRefused()
    {
        var path = DecoderFile(ModelFolders.Decoder(2, 3, 4));
        var e = Assert.Throws<ModelLoadException>(() => new LatentDecoder(path, Spec, Rgb8));
        Assert.Equal("decoder.weights", e.Field);
        Assert.Contains("decoder.latent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatIsNotOnnxIsRefused()
    {
        var path = DecoderFile("not an onnx model"u8.ToArray());
        var e = Assert.Throws<ModelLoadException>(() => new LatentDecoder(path, Spec, Rgb8));
        Assert.Equal("decoder.weights", e.Field);
        e = Assert.Throws<ModelLoadException>(() => new LatentDecoder(path + ".missing", Spec, Rgb8));
        Assert.Equal("decoder.weights", e.Field);
    }

    [Fact]
    public void ALatentModelWithAMismatchedDecoderIsRefusedByTheRegistry()
    {
        var folder = folders.Folder("latent-bad");
        ModelFolders.WriteUNet(Path.Combine(folder, "velocity.safetensors"), ModelFolders.TinyConfig(channels: 2));
        File.WriteAllBytes(Path.Combine(folder, "decoder.onnx"), ModelFolders.Decoder(2, 3, 8));
        var manifest = ModelFolders.ClassManifest("latent-bad", channels: 3, side: 32); // the decoder makes 16x16
        manifest["decoder"] = new System.Text.Json.Nodes.JsonObject
        {
            ["weights"] = "decoder.onnx",
            ["latent"] = new System.Text.Json.Nodes.JsonObject { ["channels"] = 2, ["height"] = 8, ["width"] = 8 },
            ["scale_factor"] = 1,
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        var good = folders.Folder("good");
        ModelFolders.WriteUNet(Path.Combine(good, "velocity.safetensors"), ModelFolders.TinyConfig());
        File.WriteAllText(Path.Combine(good, "model.json"), ModelFolders.ClassManifest("good").ToJsonString());

        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = [folder, good] });
        Assert.Equal(["good"], registry.Names);
        var failure = Assert.Single(registry.Failures);
        Assert.Equal(("latent-bad", "decoder.weights"), (failure.Name, failure.Field));
    }

    [Fact]
    public void ALatentDenoiserWhoseWeightsDoNotTakeTheLatentShapeNamesTheLatent()
    {
        var folder = folders.Folder("latent-shape");
        ModelFolders.WriteUNet(Path.Combine(folder, "velocity.safetensors"), ModelFolders.TinyConfig(channels: 4));
        File.WriteAllBytes(Path.Combine(folder, "decoder.onnx"), ModelFolders.Decoder(2, 3, 8));
        var manifest = ModelFolders.ClassManifest("latent-shape", channels: 3, side: 16);
        manifest["decoder"] = new System.Text.Json.Nodes.JsonObject
        {
            ["weights"] = "decoder.onnx",
            ["latent"] = new System.Text.Json.Nodes.JsonObject { ["channels"] = 2, ["height"] = 8, ["width"] = 8 },
            ["scale_factor"] = 1,
        };
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        var e = Assert.Throws<ModelLoadException>(() => LoadedModel.Load(folder));
        Assert.Equal("decoder.latent.channels", e.Field);
    }
}
