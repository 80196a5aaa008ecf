namespace GenerationPlatform.Research.Training;

/// <summary>What a trainer of one weights file wrote: the file, its parameter count and this run's time.</summary>
internal sealed record TrainedFileReport(string Path, long Parameters, TimeSpan Elapsed)
{
    public void Write(TextWriter output) => output.WriteLine($"wrote {Path}: {Parameters:N0} parameters, this run {Elapsed:hh\\:mm\\:ss}");
}
