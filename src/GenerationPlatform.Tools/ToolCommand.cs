using System.CommandLine;

namespace GenerationPlatform.Tools;

/// <summary>A command of its options and one action: the action parses the settings, runs and reports, in a few lines.</summary>
public static class ToolCommand
{
    public static Command Create(string name, string description, IEnumerable<Option> options, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(options);
        var command = new Command(name, description);
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(action);
        return command;
    }
}
