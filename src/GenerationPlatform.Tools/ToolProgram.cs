using System.CommandLine;
using System.CommandLine.Help;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.LibTorch;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Tools;

/// <summary>
/// The entry point of every command-line program: bad input (a parse error, a bad option value, a missing dataset or
/// checkpoint, an unknown verifier, a libtorch folder that does not resolve) is one line <c>program: message</c> on stderr and exit code 2, a cancellation
/// (Ctrl+C) exit code 130, and anything else that goes wrong while a command works one line <c>program: failed: message</c>
/// and exit code 1. None prints a stack trace unless <c>GENPLAT_DEBUG=1</c> asks for it.
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
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"{program}: {Describe(error)}");
            return 2;
        }
        try
        {
            // A libtorch folder named by GENPLAT_LIBTORCH is checked and loaded before any command makes a tensor.
            if (LibTorchRuntime.ConfiguredFolder(null) is not null && parsed.Action is not HelpAction) LibTorchRuntime.Load(null);
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
        catch (TypeInitializationException e) when (e.TypeName == "TorchSharp.torch" && !LibTorchRuntime.BuildCarriesLibTorch())
        {
            // A build without libtorch (the GPU bundle) run without naming one: the first tensor fails; say what to do.
            Console.Error.WriteLine($"{program}: {LibTorchRuntime.NoLibTorchMessage}");
            return 2;
        }
        catch (Exception e)
        {
            // Not the input's fault: say what failed in one line; the stack trace is for whoever debugs it.
            Console.Error.WriteLine($"{program}: failed: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("GENPLAT_DEBUG") == "1") Console.Error.WriteLine(e);
            return 1;
        }
    }

    /// <summary>A parse error on one line, naming the option it is about when the parser's message does not.</summary>
    private static string Describe(System.CommandLine.Parsing.ParseError error)
    {
        var message = string.Join(" ", error.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var option = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option.Name,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
            _ => null,
        };
        return option is null || message.Contains(option, StringComparison.Ordinal) ? message : $"{option}: {message}";
    }

    private static bool IsBadInput(Exception e) => e is CliArgumentException or DatasetException or CheckpointException or UnknownVerifierException or LibTorchLoadException;
}
