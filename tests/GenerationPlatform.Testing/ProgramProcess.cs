using System.Diagnostics;

namespace GenerationPlatform.Testing;

/// <summary>Runs a command-line program of the repository (its .dll, built next to the tests) as a child process, to its end.</summary>
public static class ProgramProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <param name="program">The program's assembly name: genplat, genplat-research, genplat-bench.</param>
    public static Result Run(string program, params string[] args) => RunIn(null, program, args);

    /// <summary>The program run with <paramref name="workingDirectory"/> as its current folder (null: the tests').</summary>
    public static Result RunIn(string? workingDirectory, string program, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program + ".dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
