using System.CommandLine;
using GenerationPlatform.Bench.Cluster;
using GenerationPlatform.Bench.ColdStart;
using GenerationPlatform.Bench.Gpu;
using GenerationPlatform.Bench.LoadTest;
using GenerationPlatform.Bench.Platform;
using GenerationPlatform.Bench.Throughput;
using GenerationPlatform.Silo;
using GenerationPlatform.Tools;
using Microsoft.Extensions.Options;

var root = new RootCommand("genplat-bench: benchmarks of GenerationPlatform that print ratios against a bare baseline on this machine")
{
    BenchModelCommand.Create(),
    BenchPlatformCommand.Create(),
    BenchClusterCommand.Create(),
    LoadTestCommand.Create(),
    BenchColdStartCommand.Create(),
    BenchLibTorchCommand.Create(),
    BenchParityCommand.Create(),
};
return await ToolProgram.RunAsync("genplat-bench", root, args, e => e is HostConfigurationException or OptionsValidationException);
