using System.Text.Json;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Verifiers.Tests;

namespace GenerationPlatform.Cli.Tests;

public sealed class SearchCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-search-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["search", "--class", "Sneaker", "--algorithm", "annealing", "--out", "X"], "--algorithm" },
        { ["search", "--class", "Sneaker", "--verifier", "aesthetic", "--out", "X"], "--verifier" },
        { ["search", "--class", "Sneaker", "--budget-nfe", "0", "--out", "X"], "--budget-nfe" },
        { ["search", "--class", "Sneaker", "--budget-nfe", "5", "--out", "X"], "--budget-nfe" },
        { ["search", "--class", "Sneaker", "--top-k", "0", "--out", "X"], "--top-k" },
        { ["search", "--class", "Sneaker", "--algorithm", "zero-order", "--cosine", "1.5", "--out", "X"], "--cosine" },
        { ["search", "--class", "Sneaker", "--algorithm", "particles", "--eta", "0", "--out", "X"], "--eta" },
        { ["search", "--class", "Sneaker", "--algorithm", "paths", "--backward-dt", "0.1", "--forward-dt", "0.2", "--out", "X"], "--backward-dt" },
        { ["search", "--class", "Sneaker", "--algorithm", "pruned", "--prune-at", "0.6,0.3", "--out", "X"], "--prune-at" },
        { ["search", "--class", "Sneaker", "--algorithm", "zero-order", "--on-reject", "sulk", "--out", "X"], "--on-reject" },
        { ["search", "--class", "Sneaker", "--algorithm", "beam", "--expand-at", "0.5,0.3", "--out", "X"], "--expand-at" },
        { ["search", "--class", "Sneaker", "--algorithm", "beam", "--branches", "0", "--out", "X"], "--branches" },
        { ["search", "--class", "Sneaker", "--algorithm", "pruned", "--ranking", "oracle", "--out", "X"], "--ranking" },
        { ["search", "--class", "Sneaker", "--algorithm", "beam", "--ranking", "noise-aware", "--verifier", "class-gaussian", "--out", "X"], "--ranking" },
        { ["search", "--class", "Shoe", "--out", "X"], "--class" },
        { ["search", "--class", "Sneaker", "--onnx-verifier", "aesthetic", "--out", "X"], "--onnx-verifier" },
        { ["search", "--class", "Sneaker", "--onnx-verifier", "aesthetic=missing.json", "--out", "X"], "--onnx-verifier" },
        { ["search", "--class", "Sneaker", "--verifier", "onnx:aesthetic", "--out", "X"], "--verifier" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgumentsNameTheOption(string[] args, string option)
    {
        var r = GenplatProcess.Run(args.Select(a => a.Replace("X", Path.Combine(dir, "out"))).ToArray());
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(option, line);
        Assert.False(File.Exists(Path.Combine(dir, "out", "result.json")));
    }

    [Fact]
    public void SearchesWithARegisteredOnnxVerifierInAnEnsemble()
    {
        // A linear scorer that prefers bright images: logit of every class = 0.01 * sum of pixels.
        File.WriteAllBytes(Path.Combine(dir, "bright.onnx"), TestOnnxModels.Linear(Enumerable.Repeat(0.01f, 28 * 28 * 10).ToArray(), new float[10]));
        var spec = Path.Combine(dir, "bright.json");
        File.WriteAllText(spec, """{ "Path": "bright.onnx", "Input": "image", "Output": "logits", "Score": "logit-of-class", "FlopsPerImage": 15680 }""");
        var outDir = Path.Combine(dir, "onnx");
        var r = GenplatProcess.Run("search", "--class", "Bag", "--verifier", "ensemble(classifier,onnx:bright)", "--report-verifier", "onnx:bright",
            "--onnx-verifier", $"bright={spec}", "--budget-nfe", "28", "--steps", "4", "--top-k", "2", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "result.json")));
        var top = json.RootElement.GetProperty("top");
        var scores = top[0].GetProperty("scoresByVerifier");
        Assert.True(scores.TryGetProperty("ensemble(classifier,onnx:bright)", out _), scores.ToString());
        var image = scores.GetProperty("onnx:bright").GetDouble();
        Assert.NotEqual(0, image);

        File.WriteAllText(spec, """{ "Path": "bright.onnx", "Input": "pixels", "Output": "logits", "Score": "logit-of-class", "FlopsPerImage": 15680 }""");
        var bad = GenplatProcess.Run("search", "--class", "Bag", "--verifier", "onnx:bright", "--onnx-verifier", $"bright={spec}", "--out", outDir);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--onnx-verifier: onnx:bright: Input: expected an input named 'pixels'", bad.StdErr);
    }

    [Fact]
    public void WritesTopKCandidatesAndARecord()
    {
        var outDir = Path.Combine(dir, "bag");
        var r = GenplatProcess.Run("search", "--class", "Bag", "--algorithm", "random", "--verifier", "classifier", "--report-verifier", "class-gaussian",
            "--budget-nfe", "60", "--steps", "4", "--top-k", "2", "--seed", "3", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "result.json")));
        var root = json.RootElement;
        // The platform's result record (what the result store holds), not a format of the CLI's own.
        Assert.Equal(16, root.GetProperty("verifiedImages").GetInt32()); // 60 / 7 NFE (Heun, 4 steps): 8 candidates, by two verifiers
        var nfe = root.GetProperty("nfe");
        Assert.Equal(56, nfe.GetProperty("search").GetInt64() + nfe.GetProperty("final").GetInt64());
        var request = root.GetProperty("request");
        Assert.Equal("random(candidates-per-round=16)", request.GetProperty("algorithm").GetString());
        Assert.Equal(["class-gaussian"], request.GetProperty("reportedVerifiers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3ul, request.GetProperty("seed").GetUInt64());
        var top = root.GetProperty("top");
        Assert.Equal(2, top.GetArrayLength());
        var best = top[0].GetProperty("scoresByVerifier");
        Assert.InRange(best.GetProperty("classifier").GetDouble(), 0, 1);
        Assert.True(best.TryGetProperty("class-gaussian", out _));
        Assert.True(top[0].GetProperty("score").GetDouble() >= top[1].GetProperty("score").GetDouble());
        Assert.Equal("top-1.png", top[0].GetProperty("file").GetString());
        var (_, w, h) = ImageGrid.DecodeGray(File.ReadAllBytes(Path.Combine(outDir, "top-1.png")));
        Assert.Equal((112, 112), (w, h));
        Assert.True(File.Exists(Path.Combine(outDir, "candidates.png")));
    }
}
