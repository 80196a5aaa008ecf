using System.Text.Json;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Diffusion.Model;
using ImageShape = GenerationPlatform.Core.Model.ImageShape;
using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Grains;
using GenerationPlatform.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The real host serving model folders through the real registry (no analytic fields): a tiny RGB class network
/// through ONNX Runtime and through TorchSharp, a tiny RGB text network, and a folder whose manifest does not
/// match its weights (refused at start, the others served).
/// </summary>
public sealed class ServedModelsFixture : IAsyncLifetime
{
    public const string RgbOnnx = "tiny-rgb", RgbTorch = "tiny-rgb-torch", Text = "tiny-text", Broken = "tiny-broken";
    public static readonly ImageShape RgbShape = new(3, 16, 16), TextShape = new(3, 12, 16);

    public string Root { get; } = Directory.CreateTempSubdirectory("genplat-served-models-").FullName;
    public WebApplication App { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        using (var rgb = TinyModels.Rgb(side: 16, classes: 3, seed: 5))
        {
            var onnx = Folder(RgbOnnx, Manifest(RgbOnnx, "onnx", "velocity.onnx", RgbShape, ClassConditioning(), rgb.ForwardFlops()));
            File.WriteAllBytes(Path.Combine(onnx, "velocity.onnx"), OnnxExporter.Export(rgb, "tiny RGB test model"));
            var torch = Folder(RgbTorch, Manifest(RgbTorch, "torchsharp", "velocity.safetensors", RgbShape, ClassConditioning(), rgb.ForwardFlops()));
            SafeTensors.SaveModule(Path.Combine(torch, "velocity.safetensors"), rgb, VelocityModelFile.Metadata(rgb.Config, "tiny RGB test model"));
            // The same weights declared grayscale: refused at load, naming the field.
            var broken = Folder(Broken, Manifest(Broken, "onnx", "velocity.onnx", new ImageShape(1, 16, 16), ClassConditioning(), rgb.ForwardFlops()));
            File.Copy(Path.Combine(onnx, "velocity.onnx"), Path.Combine(broken, "velocity.onnx"));
        }
        using (var text = TinyModels.Build(TinyModels.TextConfig(embedding: 384, channels: 3, height: 12, width: 16), seed: 6))
        {
            var folder = Folder(Text, Manifest(Text, "onnx", "velocity.onnx", TextShape,
                """{ "kind": "text", "encoder": "all-MiniLM-L6-v2", "embedding_size": 384, "null_condition": "zeros" }""", text.ForwardFlops()));
            File.WriteAllBytes(Path.Combine(folder, "velocity.onnx"), OnnxExporter.Export(text, "tiny RGB text test model"));
        }
        var settings = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = Path.Combine(Root, "results"),
            ["Logging:LogLevel:Default"] = "Information",
        };
        string[] folders = [RgbOnnx, RgbTorch, Text, Broken];
        for (int i = 0; i < folders.Length; i++) settings[$"GenerationPlatform:Models:Folders:{i}"] = Path.Combine(Root, folders[i]);
        App = await PlatformFixture.StartHostAsync(settings, builder =>
        {
            builder.Logging.AddProvider(Logs);
            // The real registry and catalogue in place of the analytic ones.
            builder.Services.AddSingleton<IVelocityFieldProvider, NetworkFieldProvider>();
            builder.Services.AddSingleton<IServedCatalog, FolderCatalog>();
        });
    }

    /// <summary>The real catalogue's models (from their manifests) with the analytic verifiers.</summary>
    private sealed class FolderCatalog(ModelCatalogue models, AnalyticCatalog analytic) : IServedCatalog
    {
        public IReadOnlyList<ModelDescription> Models => models.Models;
        public IReadOnlyList<GenerationPlatform.Core.Verifiers.VerifierDescription> Verifiers => analytic.Verifiers;
        public ModelDescription? Model(string model) => models.Describe(model);
        public GenerationPlatform.Core.Verifiers.VerifierDescription? Verifier(string canonicalName) => analytic.Verifier(canonicalName);
    }

    public Client.GenerationPlatformClient Client() => new(new Uri(GenerationPlatform.Silo.PlatformHost.Endpoints(App).Grpc), PlatformFixture.AlphaKey);

    private string Folder(string name, string manifest)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest);
        return folder;
    }

    private static string ClassConditioning() =>
        """{ "kind": "class", "classes": ["red coat", "green coat", "blue coat"], "null_condition": "label:3" }""";

    private static string Manifest(string name, string backend, string weights, ImageShape shape, string conditioning, double flops) => $$"""
        {
          "name": "{{name}}",
          "description": "a tiny random-weight test network",
          "backend": "{{backend}}",
          "weights": "{{weights}}",
          "image": { "channels": {{shape.Channels}}, "height": {{shape.Height}}, "width": {{shape.Width}}, "range": [-1, 1] },
          "conditioning": {{conditioning}},
          "prediction": { "kind": "velocity", "time": "flow" },
          "defaults": { "sampler": "heun", "steps": 4, "guidance": 1.5 },
          "forward_flops": {{flops.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}
        }
        """;

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public sealed class ServedModelsTests(ServedModelsFixture fixture) : IClassFixture<ServedModelsFixture>
{
    private static GenerateRequest Request(string model, string? cls = null, string? prompt = null) => new()
    {
        Model = model,
        Class = cls ?? "",
        Prompt = prompt ?? "",
        Verifier = PlatformFixture.Verifier,
        BudgetNfe = 7 * 4,
        TopK = 2,
        Steps = 4,
        Seed = 11,
        Sampler = V1.Sampler.Heun,
    };

    [Fact]
    public async Task ListModelsGivesEveryServedModelWithItsShapeAndConditioningAndLeavesOutTheRefusedOne()
    {
        using var client = fixture.Client();
        var models = (await client.ListModelsAsync()).Models.ToDictionary(m => m.Name);
        Assert.Equal([ServedModelsFixture.RgbOnnx, ServedModelsFixture.RgbTorch, ServedModelsFixture.Text], models.Keys.Order(StringComparer.Ordinal));
        var rgb = models[ServedModelsFixture.RgbOnnx];
        Assert.Equal(("class", "onnx", 3, 16, 16), (rgb.Conditioning, rgb.Backend, rgb.Image.Channels, rgb.Image.Height, rgb.Image.Width));
        Assert.Equal(["red coat", "green coat", "blue coat"], rgb.Classes);
        Assert.Equal("torchsharp", models[ServedModelsFixture.RgbTorch].Backend);
        var text = models[ServedModelsFixture.Text];
        Assert.Equal(("text", "all-MiniLM-L6-v2", 0, 12, 16), (text.Conditioning, text.TextEncoder, text.Classes.Count, text.Image.Height, text.Image.Width));
        // The refusal names the folder and the field at fault.
        Assert.Contains(fixture.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(ServedModelsFixture.Broken, StringComparison.Ordinal)
            && e.Message.Contains("refused: weights: input 'x' has 3 channels, the manifest declares 1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ServedModelsFixture.RgbOnnx)]
    [InlineData(ServedModelsFixture.RgbTorch)]
    public async Task AnRgbClassModelIsSearchedAndItsResultsAreRgbPngsOfItsSize(string model)
    {
        using var client = fixture.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = (await client.GenerateToEndAsync(Request(model, cls: "green coat"), timeout.Token)).Result;
        Assert.NotNull(result);
        Assert.Equal(2, result.Images.Count);
        foreach (var image in result.Images)
        {
            var (pixels, shape, grayscale) = ImageGrid.DecodeRgb(image.Png.ToByteArray());
            Assert.Equal(ServedModelsFixture.RgbShape, shape);
            Assert.False(grayscale);
            // Three channels that differ: colour, not grey written three times.
            int plane = shape.Plane;
            Assert.Contains(Enumerable.Range(0, plane), p => pixels[p] != pixels[plane + p] || pixels[p] != pixels[2 * plane + p]);
        }
    }

    [Fact]
    public async Task BothBackendsOfOneNetworkGiveTheSameImagesForTheSameSeed()
    {
        using var client = fixture.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var onnx = (await client.GenerateToEndAsync(Request(ServedModelsFixture.RgbOnnx, cls: "1"), timeout.Token)).Result;
        var torch = (await client.GenerateToEndAsync(Request(ServedModelsFixture.RgbTorch, cls: "1"), timeout.Token)).Result;
        Assert.Equal(onnx.Images.Select(i => i.Seed.Candidate), torch.Images.Select(i => i.Seed.Candidate));
        for (int k = 0; k < onnx.Images.Count; k++)
        {
            var a = ImageGrid.DecodeRgb(onnx.Images[k].Png.ToByteArray()).Pixels;
            var b = ImageGrid.DecodeRgb(torch.Images[k].Png.ToByteArray()).Pixels;
            Assert.True(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1), "pixels differ by more than 1/255 between the backends");
        }
    }

    [Fact]
    public async Task ATextModelTakesAPromptAndRecordsItWithItsResult()
    {
        using var client = fixture.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = (await client.GenerateToEndAsync(Request(ServedModelsFixture.Text, prompt: "a red sneaker facing left"), timeout.Token)).Result;
        Assert.NotNull(result);
        Assert.All(result.Images, i => Assert.Equal(ServedModelsFixture.TextShape, ImageGrid.DecodeRgb(i.Png.ToByteArray()).Shape));
        var json = await File.ReadAllBytesAsync(Path.Combine(fixture.Root, "results", "alpha", result.JobId, "result.json"));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("a red sneaker facing left", doc.RootElement.GetProperty("request").GetProperty("prompt").GetString());
        Assert.False(doc.RootElement.GetProperty("request").TryGetProperty("class", out _)); // a text model's job has a prompt, no class
    }

    [Fact]
    public async Task DifferentPromptsConditionTheTextModelDifferently()
    {
        using var client = fixture.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var a = (await client.GenerateToEndAsync(Request(ServedModelsFixture.Text, prompt: "a red dress"), timeout.Token)).Result;
        var b = (await client.GenerateToEndAsync(Request(ServedModelsFixture.Text, prompt: "a pair of blue trousers"), timeout.Token)).Result;
        // Same seed, same noises: only the prompt's embedding differs, and it reaches the network.
        Assert.NotEqual(a.Images[0].Png.ToByteArray(), b.Images[0].Png.ToByteArray());
    }

    [Theory]
    [InlineData(ServedModelsFixture.Text, "Sneaker", null, "class")]
    [InlineData(ServedModelsFixture.Text, null, null, "prompt")]
    [InlineData(ServedModelsFixture.RgbOnnx, null, "a red coat", "prompt")]
    [InlineData(ServedModelsFixture.RgbOnnx, "green coat", "a red coat", "prompt")]
    [InlineData(ServedModelsFixture.RgbOnnx, null, null, "class")]
    [InlineData(ServedModelsFixture.RgbOnnx, "Sneaker", null, "class")]
    [InlineData(ServedModelsFixture.Text, null, "a red dress\u0007", "prompt")]
    [InlineData(ServedModelsFixture.Text, null, "a red \u202Edress", "prompt")]
    [InlineData(ServedModelsFixture.Text, null, "a red\u200Bdress", "prompt")]
    public async Task TheWrongConditionForTheModelIsInvalidAndNamesTheField(string model, string? cls, string? prompt, string field)
    {
        using var client = fixture.Client();
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(Request(model, cls, prompt)));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APromptLongerThan256CharactersIsRefused()
    {
        using var client = fixture.Client();
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(Request(ServedModelsFixture.Text, prompt: new string('a', 257))));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("prompt:", e.Status.Detail, StringComparison.Ordinal);
    }
}
