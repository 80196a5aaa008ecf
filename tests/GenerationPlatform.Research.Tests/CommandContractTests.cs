using GenerationPlatform.Testing;

namespace GenerationPlatform.Research.Tests;

/// <summary>genplat-research's commands keep the command-line contract (<see cref="CommandLineContract"/>): described options, one-line refusals.</summary>
public sealed class CommandContractTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-research-contract-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Commands => new()
    {
        "train-model", "train-text-align", "train-classifier", "train-noise-verifier", "tune-text-projection", "train-eval-classifier",
        "train-probe", "eval-model", "eval", "eval-text", "compare-points",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryOptionSaysWhatItDoes(string command) => Assert.Empty(CommandLineContract.UndescribedOptions("genplat-research", command));

    public static TheoryData<string[], string> BadInput => new()
    {
        { ["train-model", "--epochs", "0", "--out", "OUT/m.safetensors"], "--epochs" },
        { ["train-text-align", "--batch-size", "0", "--out", "OUT/t.safetensors"], "--batch-size" },
        { ["train-classifier", "--epochs", "many"], "--epochs" },
        { ["train-noise-verifier", "--per-class", "0", "--out", "OUT/h.safetensors"], "--per-class" },
        { ["tune-text-projection", "--steps", "0", "--out", "OUT/p.safetensors"], "--steps" },
        { ["train-eval-classifier", "--epochs", "0"], "--epochs" },
        { ["train-probe", "--train-images", "0"], "--train-images" },
        { ["eval-model", "--per-class", "0"], "--per-class" },
        { ["eval", "--per-class", "0"], "--per-class" },
        { ["eval-text", "--benchmark", "OUT/missing.tsv"], "--benchmark" },
        { ["compare-points", "--a", "OUT/none+0", "--b", "OUT/none+1"], "--a" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void BadInputIsOneLineNamingTheOption(string[] args, string option)
    {
        var r = ResearchProcess.Run(args.Select(a => a.Replace("OUT", dir, StringComparison.Ordinal)).ToArray());
        Assert.Null(CommandLineContract.RefusalProblem(r, "genplat-research", option));
    }
}
