using System.Text.RegularExpressions;

namespace GenerationPlatform.Testing;

/// <summary>
/// What every command of every command-line program promises a user (issue 27): each option says what it does in
/// <c>--help</c>, and bad input is one line naming the option, exit code 1 or 2, never a stack trace, nothing written.
/// </summary>
public static partial class CommandLineContract
{
    /// <summary>The options of <paramref name="command"/> whose help line says nothing but its default.</summary>
    public static IReadOnlyList<string> UndescribedOptions(string program, string command)
    {
        var help = ProgramProcess.Run(program, command, "--help");
        if (help.ExitCode != 0) throw new InvalidOperationException($"{program} {command} --help failed: {help.StdErr}");
        var options = new List<string>();
        bool inOptions = false;
        foreach (var line in help.StdOut.Split('\n'))
        {
            if (line.StartsWith("Options:", StringComparison.Ordinal)) { inOptions = true; continue; }
            if (!inOptions || line.Length == 0 || !char.IsWhiteSpace(line[0])) { inOptions &= line.Length == 0 || char.IsWhiteSpace(line[0]); continue; }
            var m = OptionLine().Match(line);
            if (!m.Success || m.Groups["name"].Value is "--help" or "--version") continue;
            var description = m.Groups["description"].Value.Trim();
            if (description.Length == 0 || description.StartsWith("[default", StringComparison.Ordinal)) options.Add(m.Groups["name"].Value);
        }
        return options;
    }

    /// <summary>
    /// Null when <paramref name="result"/> refused bad input as promised: exit 1 or 2, one line on stderr that names the
    /// program and <paramref name="option"/>, no stack trace; else what is wrong.
    /// </summary>
    public static string? RefusalProblem(ProgramProcess.Result result, string program, string option)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.ExitCode is not (1 or 2)) return $"exit code {result.ExitCode}, expected 1 or 2; stderr: {result.StdErr}";
        if (result.StdErr.Contains("   at ", StringComparison.Ordinal)) return $"a stack trace: {result.StdErr}";
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 1 && lines[0].StartsWith(program + ":", StringComparison.Ordinal) && lines[0].Contains(option, StringComparison.Ordinal)
            ? null : $"expected one line '{program}: ... {option} ...', got: {result.StdErr}";
    }

    [GeneratedRegex(@"^\s+(?:-\w,\s+)?(?<name>--[\w-]+)(?:\s+<[^>]*>)?(?:\s+\(REQUIRED\))?(?<description>.*)$")]
    private static partial Regex OptionLine();
}
