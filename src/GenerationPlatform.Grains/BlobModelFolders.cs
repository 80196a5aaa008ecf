using GenerationPlatform.Contracts;
using Azure.Storage.Blobs;
using GenerationPlatform.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>
/// Model folders kept in Blob Storage: a <c>GenerationPlatform:Models:Folders</c> entry <c>blob:{container}/{prefix}</c> is
/// downloaded once, when the options are first read (silo start), into <see cref="ModelOptions.CacheDirectory"/>, and
/// served from there. A download that fails is logged and leaves the entry as it is, which the registry then refuses
/// (no manifest), naming it; the other models are served.
/// </summary>
public sealed class BlobModelFolders(ILogger<BlobModelFolders>? logger = null) : IPostConfigureOptions<ModelOptions>
{
    public const string Scheme = "blob:";

    public void PostConfigure(string? name, ModelOptions options)
    {
        var log = logger ?? (ILogger)NullLogger.Instance;
        for (int i = 0; i < options.Folders.Count; i++)
        {
            var entry = options.Folders[i];
            if (!entry.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) continue;
            var path = entry[Scheme.Length..].Trim('/');
            int slash = path.IndexOf('/');
            var (container, prefix) = slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
            try
            {
                if (string.IsNullOrWhiteSpace(options.BlobConnectionString))
                    throw new InvalidOperationException("GenerationPlatform:Models:BlobConnectionString is not set");
                var client = new BlobContainerClient(options.BlobConnectionString, container);
                var local = Path.Combine(options.CacheDirectory, container, prefix.Replace('/', Path.DirectorySeparatorChar));
                options.Folders[i] = BlobFolderDownload.DownloadAsync(client, prefix, local, CancellationToken.None).GetAwaiter().GetResult();
                BlobModelFoldersLog.Downloaded(log, entry, options.Folders[i]);
            }
            catch (Exception e) when (e is InvalidOperationException or Azure.RequestFailedException or IOException or FormatException or ArgumentException)
            {
                BlobModelFoldersLog.Failed(log, e, entry);
            }
        }
    }
}
