using System.CommandLine;
using GenerationPlatform.Cli.Commands;
using GenerationPlatform.Silo;
using GenerationPlatform.Tools;
using Microsoft.Extensions.Options;

var root = new RootCommand("genplat: diffusion image generation with inference-time search")
{
    GenerateCommand.Create(),
    SearchCommand.Create(),
    ExportOnnxCommand.Create(),
    ServeCommand.Create(),
};
return await ToolProgram.RunAsync("genplat", root, args, e => e is HostConfigurationException or OptionsValidationException);
