using GenerationPlatform.Configuration;
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
        services.AddValidatedOptions<DenoiserOptions>(DenoiserOptions.Section, o => o.Problems());
        services.AddValidatedOptions<VerifierBatchingOptions>(VerifierBatchingOptions.Section, o => o.Problems());
        services.AddValidatedOptions<TenantQuotaOptions>(TenantQuotaOptions.Section, o => o.Problems());
        services.AddValidatedOptions<SearchJobOptions>(SearchJobOptions.Section, o => o.Problems());
        services.AddValidatedOptions<ModelOptions>(ModelOptions.Section, o => o.Problems());
        services.AddPlacementFilter<ModelPlacementFilterStrategy, ModelPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.AddPlacementFilter<JobPlacementFilterStrategy, JobPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        services.TryAddSingleton<DenoiserDirectory>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPostConfigureOptions<ModelOptions>, BlobModelFolders>();
        services.TryAddSingleton<IVelocityFieldProvider, NetworkFieldProvider>();
        // The API's model catalogue leaves out the folders whose weights the network provider refused.
        services.TryAddSingleton<IRefusedModelFolders>(sp => sp.GetRequiredService<IVelocityFieldProvider>() as IRefusedModelFolders ?? NoRefusedModelFolders.Instance);
        // The models are loaded, their caps settled and their networks called once before the silo reports ready.
        services.TryAddSingleton<ModelWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelWarmup>());
        services.TryAddSingleton<IPromptEncoderProvider, TextPromptEncoders>();
        services.AddOnnxVerifierRegistry();
        services.TryAddSingleton<VerifierCatalog>(sp => new VerifierCatalog(onnxVerifiers: sp.GetRequiredService<IOptions<OnnxVerifierRegistry>>().Value.Onnx));
        services.TryAddSingleton<IVerifierProvider, CatalogVerifierProvider>();
        services.TryAddSingleton<IServedVerifiers>(sp => new ServedVerifiers(sp.GetRequiredService<IOptions<OnnxVerifierRegistry>>().Value));
        services.TryAddSingleton<JobResolution>();
        services.TryAddSingleton<JobCompletion>();
        // Tenants' job listings: the host's index (Azure Table in a cluster), else one in memory.
        services.TryAddSingleton<Storage.IJobIndex, Storage.MemoryJobIndex>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, JobRetentionStartup>();
        services.TryAddKeyedSingleton<TimeProvider>(JobRetentionGrain.Clock, (sp, _) => sp.GetRequiredService<TimeProvider>());
        return silo;
    }
}
