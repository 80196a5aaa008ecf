using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search.Tests;
using GenerationPlatform.Serving;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains.Tests;

/// <summary>The silo's model warm-up on an analytic field: a cap measured once, remembered for the next start, or configured.</summary>
public sealed class ModelWarmupTests : IDisposable
{
    private const string Model = "gauss-warm";
    private readonly string folder = Directory.CreateTempSubdirectory("genplat-warmup-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>One served analytic model whose cap is remembered under a fixed key; <see cref="Gate"/> holds the warm-up until set.</summary>
    public sealed class ServedFields(string digest = "files-1") : IVelocityFieldProvider
    {
        public GaussianField Field { get; } = new();
        public ManualResetEventSlim Gate { get; } = new(initialState: true);
        public IReadOnlyList<string> Served => [Model];
        public BatchCapKey? CapKey(string model) => new(model, digest, "test machine");

        public IVelocityField Get(string model)
        {
            Gate.Wait(TimeSpan.FromSeconds(30));
            return model == Model ? Field : throw new UnknownModelException(model);
        }
    }

    public DenoiserOptions Options(int maxBatch = 0) => new()
    {
        MaxBatch = maxBatch,
        CalibrationMaxBatch = 16,
        CalibrationTimePerSize = TimeSpan.FromMilliseconds(6),
        CapCacheFolder = folder,
    };

    public static async Task<(ModelWarmup Warmup, ModelWarmupReport Report)> WarmAsync(IVelocityFieldProvider fields, DenoiserOptions options)
    {
        var warmup = new ModelWarmup(fields, new TextPromptEncoders(), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<ModelWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        return (warmup, await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ACapIsMeasuredAtTheFirstStartAndRememberedForTheNext()
    {
        var first = new ServedFields();
        var (warmup, report) = await WarmAsync(first, Options());
        using (warmup)
        {
            int cap = Assert.IsType<int>(warmup.CapOf(Model));
            Assert.Contains("measured", Assert.Single(report.Models));
            Assert.Single(Directory.GetFiles(folder));
            Assert.True(first.Field.Calls > 10); // three timings of each size measured

            var second = new ServedFields();
            var (again, report2) = await WarmAsync(second, Options());
            using (again)
            {
                Assert.Equal(cap, again.CapOf(Model));
                Assert.Contains("remembered", Assert.Single(report2.Models));
                Assert.Equal(cap > 1 ? 2 : 1, second.Field.Calls); // nothing measured: one call at batch 1 and one at the cap
            }
        }
    }

    [Fact]
    public async Task NewModelFilesAreMeasuredAgainAndAConfiguredCapIsNot()
    {
        using (var _ = (await WarmAsync(new ServedFields("files-1"), Options())).Warmup) { }
        var changed = new ServedFields("files-2");
        var (measured, report) = await WarmAsync(changed, Options());
        using (measured) Assert.Contains("measured", Assert.Single(report.Models));

        var configured = new ServedFields();
        var (fixedCap, report2) = await WarmAsync(configured, Options(maxBatch: 12));
        using (fixedCap)
        {
            Assert.Equal(12, fixedCap.CapOf(Model));
            Assert.Contains("configured", Assert.Single(report2.Models));
            Assert.Equal(2, configured.Field.Calls);
        }
    }

    [Fact]
    public async Task NothingIsReadyBeforeTheWarmupEnds()
    {
        var fields = new ServedFields();
        fields.Gate.Reset();
        using var warmup = new ModelWarmup(fields, new TextPromptEncoders(), Microsoft.Extensions.Options.Options.Create(Options(maxBatch: 8)), TimeProvider.System,
            NullLogger<ModelWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        Assert.False(warmup.Completion.IsCompleted);
        Assert.Null(warmup.CapOf(Model));
        var pending = warmup.CapWhenWarm(Model);
        Assert.NotNull(pending);
        Assert.Null(warmup.CapWhenWarm("other-model")); // not served here: nothing to wait for
        fields.Gate.Set();
        Assert.Equal(8, await pending.WaitAsync(TimeSpan.FromSeconds(30)));
        await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
