using GenerationPlatform.Testing;

namespace GenerationPlatform.Bench.Tests;

/// <summary>genplat-bench's commands keep the command-line contract (<see cref="CommandLineContract"/>): described options, one-line refusals.</summary>
public sealed class CommandContractTests
{
    [Theory]
    [InlineData("model")]
    [InlineData("platform")]
    [InlineData("cluster")]
    [InlineData("loadtest")]
    [InlineData("coldstart")]
    [InlineData("parity")]
    public void EveryOptionSaysWhatItDoes(string command) => Assert.Empty(CommandLineContract.UndescribedOptions("genplat-bench", command));

    public static TheoryData<string[], string> BadInput => new()
    {
        { ["model", "--backend", "tpu"], "--backend" },
        { ["model", "--seconds", "0"], "--seconds" },
        { ["platform", "--jobs", "0"], "--jobs" },
        { ["cluster", "--threads", "0"], "--threads" },
        { ["loadtest", "--jobs", "0", "--embedded"], "--jobs" },
        { ["loadtest", "--address", "http://127.0.0.1:1"], "--tenant" },
        { ["coldstart", "--warm", "0"], "--warm" },
        { ["parity", "--inputs", "0"], "--inputs" },
        { ["platform", "--device", "tpu"], "--device" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void BadInputIsOneLineNamingTheOption(string[] args, string option) =>
        Assert.Null(CommandLineContract.RefusalProblem(BenchProcess.Run(args), "genplat-bench", option));
}
