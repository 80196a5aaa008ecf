using GenerationPlatform.Configuration;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Storage;

/// <summary>Registers the result store chosen by configuration.</summary>
public static class ResultStoreServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ResultStoreOptions"/> from <c>GenerationPlatform:Results</c> of <paramref name="configuration"/>,
    /// validates them when the host starts (and on first use), and registers <see cref="IResultStore"/> and
    /// <see cref="StorageMetrics"/> as singletons.
    /// </summary>
    public static IServiceCollection AddResultStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<ResultStoreOptions>(ResultStoreOptions.SectionName, o => o.Problems(), configuration);
        services.TryAddSingleton(sp => new StorageMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => CreateResultStore(
            sp.GetRequiredService<IOptions<ResultStoreOptions>>().Value, sp.GetRequiredService<StorageMetrics>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }

    /// <summary>The store that validated <paramref name="options"/> describe.</summary>
    public static IResultStore CreateResultStore(ResultStoreOptions options, StorageMetrics? metrics = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ResultStoreKinds.Is(options.Kind, ResultStoreOptions.BlobKind)
            ? BlobResultStore.Create(options.ConnectionString!, options.Container, options.Retry, metrics,
                loggerFactory?.CreateLogger<BlobResultStore>())
            : new LocalFolderResultStore(options.Path, options.Retry, metrics, loggerFactory?.CreateLogger<LocalFolderResultStore>());
    }
}
