namespace GenerationPlatform.Research.Training;

/// <summary>What train-model wrote: the weights file, the network's size and cost, and this run's time.</summary>
internal sealed record TrainModelReport(string Path, long Parameters, double ForwardFlops, TimeSpan Elapsed)
{
    public void Write(TextWriter output) =>
        output.WriteLine($"wrote {Path}: {Parameters:N0} parameters, {ForwardFlops / 1e9:F3} GFLOP per forward, this run {Elapsed:hh\\:mm\\:ss}");
}
