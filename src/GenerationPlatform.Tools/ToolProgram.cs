using System.CommandLine;
using System.CommandLine.Help;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Tools;

/// <summary>
/// The entry point of every command-line program: bad input (a parse error, a bad option value, a missing dataset or
/// checkpoint, an unknown verifier) is one line <c>program: message</c> on stderr and exit code 2, a cancellation
/// (Ctrl+C) exit code 130; neither prints a stack trace.
/// </summary>
public static class ToolProgram
{
    /// <param name="program">The program's name, the first word of each error line.</param>
    /// <param name="isBadInput">Further exceptions the program's commands throw for bad input (its own configuration errors).</param>
    public static async Task<int> RunAsync(string program, RootCommand root, string[] args, Func<Exception, bool>? isBadInput = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            // One clear line per problem, no help dump: scripts read the first line.
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"{program}: {error.Message}");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsBadInput(e) || isBadInput?.Invoke(e) == true)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{program}: cancelled");
            return 130;
        }
    }

    private static bool IsBadInput(Exception e) => e is CliArgumentException or DatasetException or CheckpointException or UnknownVerifierException;
}
