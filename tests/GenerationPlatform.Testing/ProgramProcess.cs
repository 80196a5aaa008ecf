using System.Diagnostics;

namespace GenerationPlatform.Testing;

/// <summary>Runs a command-line program of the repository (its .dll, built next to the tests) as a child process, to its end.</summary>
public static class ProgramProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <param name="program">The program's assembly name: genplat, genplat-research, genplat-bench.</param>
    public static Result Run(string program, params string[] args) => RunIn(null, program, args);

    /// <summary>The program run with <paramref name="workingDirectory"/> as its current folder (null: the tests').</summary>
    public static Result RunIn(string? workingDirectory, string program, params string[] args) => RunWith(workingDirectory, null, program, args);

    /// <summary>The program run with these environment variables set (a null value removes one) beside the tests' own.</summary>
    public static Result RunWith(string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, string program, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
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
