using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary><c>genplat generate</c>: plain sampling of one class or one prompt, no search: a PNG (a grid) and a JSON record beside it.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var options = new GenerateSettings.Options();
        var command = new Command("generate", "Generate images of one class (class models) or one prompt (text models), without search");
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction((p, ct) => Task.FromResult(Run(GenerateSettings.Parse(p, options), ct)));
        return command;
    }

    public static int Run(GenerateSettings settings, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var loadClock = Stopwatch.StartNew();
        using var net = CliModel.Open(settings.Model ?? CliModel.FastestName);
        loadClock.Stop();
        var (label, prompt, embedding) = net.Condition(settings.Class, settings.Prompt);
        var model = net.Description;
        var sampler = settings.Sampler ?? CliParsing.Sampler(model.DefaultSampler);
        int steps = settings.Steps ?? model.DefaultSteps;
        float guidance = (float)(settings.Guidance ?? model.DefaultGuidance);
        var outPath = settings.Out ?? Path.Combine("genplat-out", $"{net.Name}-{Slug(label >= 0 ? net.Conditioning.ClassNames[label] : prompt!)}-s{settings.Seed}.png");
        CliParsing.EnsureWritable(outPath, "--out");
        var trajectories = Enumerable.Range(0, settings.Count)
            .Select(i => new Trajectory(new TrajectorySpec(new NoiseSeed(settings.Seed, 0, (uint)i), label, guidance, sampler, steps,
                Eta: sampler == SamplerKind.Stochastic ? (float)settings.Eta : 0f, Embedding: embedding), net.Shape.Size))
            .ToList();
        var bar = new ConsoleProgress("generate");
        var sampleClock = Stopwatch.StartNew();
        new TrajectorySampler(net.Field).Run(trajectories, cancellationToken,
            (done, all) => bar.Report(done, all, $"steps of {trajectories.Count} images ({done}/{all} NFE each)"));
        sampleClock.Stop();
        var encodeClock = Stopwatch.StartNew();
        int columns = (int)Math.Ceiling(Math.Sqrt(settings.Count));
        var pixels = trajectories.Select(t => ImageGrid.ToPixels(net.Image(t.State))).ToList();
        AtomicFile.Write(outPath, ImageGrid.EncodeGridPng(pixels, net.ImageShape, columns, settings.Scale, padding: settings.Count > 1 ? 2 : 0));
        encodeClock.Stop();
        var record = new GenerateRecord(net.Name, net.Source, net.Network.Backend, new(net.ImageShape.Channels, net.ImageShape.Height, net.ImageShape.Width),
            label >= 0 ? new(label, net.Conditioning.ClassNames[label]) : null, prompt, settings.Count, sampler.ToString().ToLowerInvariant(), steps, guidance,
            sampler == SamplerKind.Stochastic ? settings.Eta : 0,
            trajectories.Select(t => new GenerateRecord.SeedRecord(t.Spec.Seed.Seed, t.Spec.Seed.Round, t.Spec.Seed.Candidate)).ToArray(),
            new(trajectories[0].Nfe, trajectories.Sum(t => (long)t.Nfe), net.Field.ModelEvaluations,
                net.Field.ModelEvaluations - trajectories.Sum(t => (long)t.Nfe), net.Field.Calls),
            new(loadClock.Elapsed.TotalMilliseconds, sampleClock.Elapsed.TotalMilliseconds, encodeClock.Elapsed.TotalMilliseconds, total.Elapsed.TotalMilliseconds),
            Path.GetFileName(outPath), columns, settings.Scale);
        var sidecar = Path.ChangeExtension(outPath, ".json");
        AtomicFile.Write(sidecar, JsonSerializer.SerializeToUtf8Bytes(record, GenerateRecord.Json));
        Console.WriteLine($"wrote {outPath} and {sidecar}: {settings.Count} x {(label >= 0 ? net.Conditioning.ClassNames[label] : $"'{prompt}'")}, " +
            $"{record.Sampler} {steps} steps ({trajectories[0].Nfe} NFE each, guidance {guidance}), {sampleClock.Elapsed.TotalSeconds:F2} s sampling");
        return 0;
    }

    /// <summary>A file-name-safe form of a class name or prompt: lower case letters and digits joined by hyphens, at most 40 characters.</summary>
    private static string Slug(string text)
    {
        var words = new string(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var slug = string.Join("-", words);
        return slug.Length > 40 ? slug[..40].TrimEnd('-') : slug.Length == 0 ? "image" : slug;
    }
}
