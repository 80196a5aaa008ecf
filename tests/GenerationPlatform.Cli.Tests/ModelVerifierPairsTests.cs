using System.Text.Json;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Cli.Tests;

/// <summary>
/// The CLI's side of the (model, verifier) table (the API's is in tests/GenerationPlatform.Api.Tests): every pair of a
/// shipped model of each kind and a built-in verifier either completes or is refused naming --verifier before any work,
/// exactly as the API decides (one validation, SearchJobValidation), and nothing is written for a refused one.
/// </summary>
public sealed class ModelVerifierPairsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-pairs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "velocity-unet-onnx", "fashion-text" })
            foreach (var verifier in VerifierNames.BaseNames)
                data.Add(model, verifier);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void APairCompletesOrIsRefusedBeforeAnyWork(string model, string verifier)
    {
        var description = ModelManifest.Load(Path.Combine(AppContext.BaseDirectory, "Models", model)).Describe();
        bool suits = BuiltInVerifiers.Describe(BuiltInVerifiers.ShippedNoiseAwareHead).Single(v => v.Name == verifier).Scope.Problem(description) is null;
        var outDir = Path.Combine(dir, $"{model}-{verifier}");
        string[] condition = description.Conditioning.IsText ? ["--prompt", "a red sneaker"] : ["--class", "Sneaker"];
        var r = GenplatProcess.Run(["search", "--model", model, .. condition, "--verifier", verifier, "--steps", "8", "--sampler", "euler",
            "--budget-nfe", "8", "--top-k", "1", "--out", outDir]);
        if (suits)
        {
            Assert.True(r.ExitCode == 0, $"{model} with {verifier}: {r.StdErr}");
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "result.json")));
            Assert.True(json.RootElement.GetProperty("top")[0].GetProperty("scoresByVerifier").TryGetProperty(verifier, out _));
        }
        else
        {
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("genplat: --verifier:", r.StdErr);
            Assert.Contains("cannot score", r.StdErr);
            Assert.False(Directory.Exists(outDir), "a refused search writes nothing");
        }
    }
}
