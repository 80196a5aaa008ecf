using System.CommandLine;
using GenerationPlatform.Cli.Commands;
using GenerationPlatform.Tools;

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
return await ToolProgram.RunAsync("genplat", root, args,
    e => e is GenerationPlatform.Silo.HostConfigurationException or Microsoft.Extensions.Options.OptionsValidationException);
