using System.CommandLine;
using GenerationPlatform.Research.Scaling;
using GenerationPlatform.Research.TextEval;
using GenerationPlatform.Research.Training;
using GenerationPlatform.Tools;

var root = new RootCommand("genplat-research: train and evaluate the models and verifiers of GenerationPlatform")
{
    TrainModelCommand.Create(),
    TrainTextAlignCommand.Create(),
    TrainClassifierCommand.Create(),
    TrainNoiseVerifierCommand.Create(),
    TuneTextProjectionCommand.Create(),
    TrainEvalClassifierCommand.Create(),
    TrainProbeCommand.Create(),
    EvalModelCommand.Create(),
    EvalCommand.Create(),
    EvalTextCommand.Create(),
    ComparePointsCommand.Create(),
};
return await ToolProgram.RunAsync("genplat-research", root, args);
