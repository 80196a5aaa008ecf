using GenerationPlatform.Testing;

namespace GenerationPlatform.Research.Tests;

/// <summary>Runs the real `genplat-research` program (built next to the tests) as a child process.</summary>
internal static class ResearchProcess
{
    public static ProgramProcess.Result Run(params string[] args) => ProgramProcess.Run("genplat-research", args);
}
