using GenerationPlatform.Testing;

namespace GenerationPlatform.Cli.Tests;

/// <summary>Runs the real `genplat` program (built next to the tests) as a child process.</summary>
internal static class GenplatProcess
{
    public static ProgramProcess.Result Run(params string[] args) => ProgramProcess.Run("genplat", args);
}
