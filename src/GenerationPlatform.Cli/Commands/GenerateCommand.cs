using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class GenerateCommand
{
    public const int MaxCount = 1024;
    public const int MaxSteps = 1000;

    public static Command Create()
    {
        var cls = new Option<string?>("--class") { Description = "class name (e.g. Sneaker, 'ankle boot') or index, for class models" };
        var prompt = new Option<string?>("--prompt") { Description = "the prompt, for text models (at most 256 characters)" };
        var count = new Option<int>("--count") { Description = $"images to generate (1-{MaxCount})", DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--steps") { Description = $"sampler steps (1-{MaxSteps})", DefaultValueFactory = _ => 25 };
        var sampler = new Option<string>("--sampler") { Description = "euler, heun or stochastic", DefaultValueFactory = _ => "heun" };
        var cfg = new Option<double>("--cfg") { Description = "classifier-free guidance scale (1 = no guidance)", DefaultValueFactory = _ => DefaultGuidance };
        var eta = new Option<double>("--eta") { Description = "noise scale of the stochastic sampler, in [0, 1)", DefaultValueFactory = _ => 0.5 };
        var seed = new Option<ulong>("--seed") { Description = "request seed; image i uses noise (seed, round 0, candidate i)", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "PNG to write (a grid when count > 1); a JSON sidecar goes next to it", Required = true };
        var scale = new Option<int>("--scale") { Description = "pixel magnification of the PNG (1-16)", DefaultValueFactory = _ => 2 };
        var model = new Option<string?>("--model") { Description = "a model folder, manifest, shipped model name or .safetensors file (default: velocity-unet)" };
        var cmd = new Command("generate", "Generate images of one class with a flow-matching model") { cls, prompt, count, steps, sampler, cfg, eta, seed, output, scale, model };
        cmd.SetAction((p, ct) =>
        {
            var total = Stopwatch.StartNew();
            int n = p.GetValue(count) is var c and >= 1 and <= MaxCount ? c : throw new CliArgumentException($"--count must be between 1 and {MaxCount} (got {p.GetValue(count)})");
            int s = p.GetValue(steps) is var st and >= 1 and <= MaxSteps ? st : throw new CliArgumentException($"--steps must be between 1 and {MaxSteps} (got {p.GetValue(steps)})");
            var kind = ParseSampler(p.GetValue(sampler)!);
            double w = CliParsing.InRange(p.GetValue(cfg), "--cfg", 0, 20);
            double e = p.GetValue(eta) is var et and >= 0 and < 1 ? et : throw new CliArgumentException($"--eta must be in [0, 1) (got {p.GetValue(eta)})");
            int sc = p.GetValue(scale) is var x and >= 1 and <= 16 ? x : throw new CliArgumentException($"--scale must be between 1 and 16 (got {p.GetValue(scale)})");
            var outPath = p.GetValue(output)!;
            if (!outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new CliArgumentException($"--out must name a .png file (got '{outPath}')");
            var sidecar = Path.ChangeExtension(outPath, ".json");
            CliParsing.EnsureWritable(outPath, "--out");
            ulong requestSeed = p.GetValue(seed);

            var loadClock = Stopwatch.StartNew();
            using var net = CliModel.Open(p.GetValue(model));
            loadClock.Stop();
            var (label, promptText, embedding) = net.Condition(p.GetValue(cls), p.GetValue(prompt));
            var field = net.Field;
            var trajectories = Enumerable.Range(0, n)
                .Select(i => new Trajectory(new TrajectorySpec(new NoiseSeed(requestSeed, 0, (uint)i), label, (float)w, kind, s, Eta: kind == SamplerKind.Stochastic ? (float)e : 0f, Embedding: embedding), net.Shape.Size))
                .ToList();
            var bar = new ConsoleProgress("generate");
            var sampleClock = Stopwatch.StartNew();
            new TrajectorySampler(field).Run(trajectories, ct, (done, all) => bar.Report(done, all, $"NFE (per sample) {done}/{all}"));
            sampleClock.Stop();

            var encodeClock = Stopwatch.StartNew();
            var pixels = trajectories.Select(t => ImageGrid.ToPixels(net.Image(t.State))).ToList();
            var png = ImageGrid.EncodeGridPng(pixels, net.ImageShape, columns: (int)Math.Ceiling(Math.Sqrt(n)), scale: sc, padding: n > 1 ? 2 : 0);
            AtomicFile.Write(outPath, png);
            encodeClock.Stop();
            var record = new
            {
                model = net.Name,
                model_source = net.Source,
                backend = net.Network.Backend,
                image_shape = new { channels = net.ImageShape.Channels, height = net.ImageShape.Height, width = net.ImageShape.Width },
                @class = label >= 0 ? new { index = label, name = net.Conditioning.ClassNames[label] } : null,
                prompt = promptText,
                count = n,
                sampler = kind.ToString().ToLowerInvariant(),
                steps = s,
                guidance = w,
                eta = kind == SamplerKind.Stochastic ? e : 0,
                seeds = trajectories.Select(t => new { seed = t.Spec.Seed.Seed, round = t.Spec.Seed.Round, candidate = t.Spec.Seed.Candidate }),
                nfe = new
                {
                    per_sample = trajectories[0].Nfe,
                    total = trajectories.Sum(t => (long)t.Nfe),
                    model_evaluations = field.ModelEvaluations,
                    guidance_evaluations = field.ModelEvaluations - trajectories.Sum(t => (long)t.Nfe),
                    model_calls = field.Calls,
                },
                timings_ms = new
                {
                    load_model = loadClock.Elapsed.TotalMilliseconds,
                    sampling = sampleClock.Elapsed.TotalMilliseconds,
                    encode_png = encodeClock.Elapsed.TotalMilliseconds,
                    total = total.Elapsed.TotalMilliseconds,
                },
                image = Path.GetFileName(outPath),
                grid_columns = (int)Math.Ceiling(Math.Sqrt(n)),
                scale = sc,
            };
            AtomicFile.Write(sidecar, JsonSerializer.SerializeToUtf8Bytes(record, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {outPath} and {sidecar}: {n} x {(label >= 0 ? net.Conditioning.ClassNames[label] : $"'{promptText}'")}, {kind.ToString().ToLowerInvariant()} {s} steps ({trajectories[0].Nfe} NFE each, guidance {w}), {sampleClock.Elapsed.TotalSeconds:F2} s sampling");
            return Task.FromResult(0);
        });
        return cmd;
    }

    public const double DefaultGuidance = CliModel.DefaultGuidance;

    public static SamplerKind ParseSampler(string text) => CliParsing.Sampler(text);
}
