using System.CommandLine;
using GenerationPlatform.Cli.Commands;
using GenerationPlatform.Tools;

var root = new RootCommand("genplat: diffusion image generation with inference-time search")
{
    GenerateCommand.Create(),
    SearchCommand.Create(),
    BenchCommand.Create(),
    ExportOnnxCommand.Create(),
    ServeCommand.Create(),
    LoadTestCommand.Create(),
};
return await ToolProgram.RunAsync("genplat", root, args,
    e => e is GenerationPlatform.Silo.HostConfigurationException or Microsoft.Extensions.Options.OptionsValidationException);
