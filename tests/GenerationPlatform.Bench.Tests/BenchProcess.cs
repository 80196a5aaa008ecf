using GenerationPlatform.Testing;

namespace GenerationPlatform.Bench.Tests;

/// <summary>Runs the real `genplat-bench` program (built next to the tests) as a child process.</summary>
internal static class BenchProcess
{
    public static ProgramProcess.Result Run(params string[] args) => ProgramProcess.Run("genplat-bench", args);
}
