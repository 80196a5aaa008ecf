using GenerationPlatform.Testing;

namespace GenerationPlatform.Cli.Tests;

/// <summary>Runs the real `genplat` program (built next to the tests) as a child process.</summary>
internal static class GenplatProcess
{
    public static ProgramProcess.Result Run(params string[] args) => ProgramProcess.Run("genplat", args);

    /// <summary>genplat run in <paramref name="workingDirectory"/> (where its default outputs go).</summary>
    public static ProgramProcess.Result RunIn(string workingDirectory, params string[] args) => ProgramProcess.RunIn(workingDirectory, "genplat", args);
}
