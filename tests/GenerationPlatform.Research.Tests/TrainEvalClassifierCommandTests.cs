namespace GenerationPlatform.Research.Tests;

public sealed class TrainEvalClassifierCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-eval-classifier-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void RefusesTheVerifiersClassifiersSeedBeforeAnyWork()
    {
        var r = ResearchProcess.Run("train-eval-classifier", "--seed", "1", "--out-dir", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-research: --seed: 1 is the verifiers' classifier's seed", r.StdErr.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void EvalModelNamesAMissingEvaluationClassifier()
    {
        var r = ResearchProcess.Run("eval-model", "--per-class", "1", "--eval-classifier", Path.Combine(dir, "missing.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing.safetensors", r.StdErr);
    }
}
