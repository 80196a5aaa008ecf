using GenerationPlatform.Contracts;
using GenerationPlatform.Verifiers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// The grains' options (bound from configuration sections, validated at start) and the science
    /// they serve: the shipped networks and the verifier catalog unless a provider is already registered.
    /// The host adds grain storage providers named <see cref="GrainStorage.Name"/> and <see cref="GrainStorage.Checkpoints"/> and a reminder service
    /// (running jobs hold a reminder so that another silo resumes them if theirs dies; both must outlive
    /// any one silo in a cluster), and declares in its
    /// silo metadata what it can serve (<c>UseSiloMetadata(SiloCapabilities.Declare(...))</c>): denoisers
    /// are placed only on silos that declare their model and an accelerator.
    /// </summary>
    public static ISiloBuilder AddGenerationPlatformGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<DenoiserOptions>().BindConfiguration(DenoiserOptions.Section)
            .Validate(o => o.MaxBatch >= 0 && o.MaxWait >= TimeSpan.Zero && o.CalibrationMaxBatch >= 1 && o.CalibrationTimePerSize > TimeSpan.Zero,
                "denoiser max batch must not be negative (0: measured), max wait not negative, and calibration bounds positive").ValidateOnStart();
        services.AddOptions<VerifierBatchingOptions>().BindConfiguration(VerifierBatchingOptions.Section)
            .Validate(o => o.MaxBatch > 0 && o.MaxDelay > TimeSpan.Zero && o.MaxQueuedImagesPerOwner > 0, "verifier max batch, max delay and max queued images per owner must be positive").ValidateOnStart();
        services.AddOptions<TenantQuotaOptions>().BindConfiguration(TenantQuotaOptions.Section)
            .Validate(o => o.Quotas.Values.Append(o.Default).All(q => q.MaxConcurrentJobs > 0 && q.Weight > 0 && q.NfePerMinute > 0 && q.NfePerDay > 0 && q.MaxBudgetPerRequest > 0),
                "every tenant quota must be positive").ValidateOnStart();
        services.AddOptions<SearchJobOptions>().BindConfiguration(SearchJobOptions.Section)
            .Validate(o => o.ResumeCheckPeriod > TimeSpan.Zero && o.MaxResumptions >= 0 && o.MaxEvents >= 2 && o.StoreRetryPeriod > TimeSpan.Zero,
                "the jobs' resume check period and store retry period must be positive, max resumptions not negative and max events at least 2").ValidateOnStart();
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section)
            .Validate(o => o.Threads is >= 0 and <= 1024, "GenerationPlatform:Models:Threads must be between 0 (libtorch's default) and 1024").ValidateOnStart();
        services.AddPlacementFilter<ModelPlacementFilterStrategy, ModelPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.AddPlacementFilter<JobPlacementFilterStrategy, JobPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        services.TryAddSingleton<DenoiserDirectory>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPostConfigureOptions<ModelOptions>, BlobModelFolders>();
        services.TryAddSingleton<IVelocityFieldProvider, NetworkFieldProvider>();
        // The API's model catalogue leaves out the folders whose weights the network provider refused.
        services.TryAddSingleton<IRefusedModelFolders>(sp => sp.GetRequiredService<IVelocityFieldProvider>() as IRefusedModelFolders ?? NoRefusedModelFolders.Instance);
        services.AddHostedService<ModelStartup>();
        services.TryAddSingleton<IPromptEncoderProvider, TextPromptEncoders>();
        services.AddOnnxVerifierRegistry();
        services.TryAddSingleton<VerifierCatalog>(sp => new VerifierCatalog(onnxVerifiers: sp.GetRequiredService<IOptions<OnnxVerifierRegistry>>().Value.Onnx));
        services.TryAddSingleton<IVerifierProvider, CatalogVerifierProvider>();
        services.TryAddSingleton<IServedVerifiers>(sp => new ServedVerifiers(sp.GetRequiredService<IOptions<OnnxVerifierRegistry>>().Value));
        services.TryAddSingleton<JobResolution>();
        services.TryAddSingleton<JobCompletion>();
        return silo;
    }
}
