using System.CommandLine;
using GenerationPlatform.Cli;
using GenerationPlatform.Cli.Commands;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;

var root = new RootCommand("genplat: diffusion image generation with inference-time search")
{
    TrainModelCommand.Create(),
    TrainTextAlignCommand.Create(),
    TrainClassifierCommand.Create(),
    TrainNoiseVerifierCommand.Create(),
    TuneTextProjectionCommand.Create(),
    TrainEvalClassifierCommand.Create(),
    ComparePointsCommand.Create(),
    TrainProbeCommand.Create(),
    GenerateCommand.Create(),
    EvalModelCommand.Create(),
    SearchCommand.Create(),
    EvalCommand.Create(),
    EvalTextCommand.Create(),
    BenchCommand.Create(),
    ExportOnnxCommand.Create(),
    ServeCommand.Create(),
    LoadTestCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    // One clear line per problem, no help dump: scripts read the first line.
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"genplat: {error.Message}");
    return 2;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is CliArgumentException or DatasetException or CheckpointException or GenerationPlatform.Verifiers.UnknownVerifierException
    or GenerationPlatform.Silo.HostConfigurationException or Microsoft.Extensions.Options.OptionsValidationException)
{
    Console.Error.WriteLine($"genplat: {e.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("genplat: cancelled");
    return 130;
}
