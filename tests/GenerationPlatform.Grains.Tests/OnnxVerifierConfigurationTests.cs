using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains.Tests;

public sealed class OnnxVerifierConfigurationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("onnx-config-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static OnnxVerifierRegistry Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOnnxVerifierRegistry();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<OnnxVerifierRegistry>>().Value;
    }

    [Fact]
    public void RegistrationsBindFromTheOnnxSection()
    {
        var model = Path.Combine(dir, "aesthetic.onnx");
        File.WriteAllBytes(model, [0]);
        const string key = "GenerationPlatform:Verifiers:Onnx:Aesthetic:";
        var registry = Bind(new()
        {
            [key + "Path"] = model, [key + "Input"] = "pixels", [key + "ImageSize"] = "64", [key + "Channels"] = "3",
            [key + "Range:0"] = "0", [key + "Range:1"] = "255", [key + "Mean:0"] = "127.5", [key + "Std:0"] = "64",
            [key + "ClassInput"] = "class", [key + "Output"] = "logits", [key + "Score"] = "log-softmax-of-class", [key + "FlopsPerImage"] = "15680",
        });
        var spec = registry.Onnx["aesthetic"]; // names are case-insensitive
        Assert.Equal((model, "pixels", 64, 3, "class", "logits", "log-softmax-of-class"),
            (spec.Path, spec.Input, spec.ImageSize, spec.Channels, spec.ClassInput, spec.Output, spec.Score));
        Assert.Equal((0f, 255f), spec.ValueRange);
        Assert.Equal([127.5f], spec.Mean!);
        Assert.Equal([64f], spec.Std!);
    }

    [Fact]
    public void InvalidRegistrationsFailWithTheirConfigurationKeys()
    {
        const string key = "GenerationPlatform:Verifiers:Onnx:broken:";
        var missing = Path.Combine(dir, "missing.onnx");
        var e = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            [key + "Path"] = missing, [key + "Input"] = "x", [key + "Output"] = "y", [key + "Channels"] = "2",
        }));
        Assert.Contains($"{key}Channels: 2 is not 1 or 3", e.Failures);
        Assert.Contains($"{key}Path: model file not found: {missing}", e.Failures);
    }
}
