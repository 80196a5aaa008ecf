using System.CommandLine;
using GenerationPlatform.Cli.Commands;
using GenerationPlatform.Cli.Tenant;
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
foreach (var command in TenantCommands.Create()) root.Subcommands.Add(command);
return await ToolProgram.RunAsync("genplat", root, args,
    e => e is HostConfigurationException or OptionsValidationException || e is TenantCallException { IsCallersFault: true });
