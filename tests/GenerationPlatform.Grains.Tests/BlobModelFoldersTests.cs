using GenerationPlatform.Contracts;
using Azure.Storage.Blobs;
using GenerationPlatform.Diffusion.Models;
using GenerationPlatform.Storage;
using GenerationPlatform.Testing;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains.Tests;

/// <summary>Model folders kept in Blob Storage (a real Azurite): downloaded at start and served like local ones.</summary>
public sealed class BlobModelFoldersTests : IAsyncLifetime, IDisposable
{
    private AzuriteProcess azurite = null!;
    private readonly string cache = Directory.CreateTempSubdirectory("genplat-blob-models-").FullName;

    public async Task InitializeAsync() => azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob);

    public Task DisposeAsync()
    {
        azurite.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Directory.Delete(cache, recursive: true);

    private static string RepoModel(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "models", name))) return Path.Combine(dir.FullName, "models", name);
        throw new DirectoryNotFoundException($"models/{name} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public async Task ABlobPrefixIsDownloadedAtStartAndServedAndAMissingOneIsRefusedAlone()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "models");
        await container.CreateIfNotExistsAsync();
        foreach (var file in Directory.GetFiles(RepoModel("velocity-unet-onnx")))
            await container.GetBlobClient($"team-a/velocity-unet-onnx/{Path.GetFileName(file)}").UploadAsync(file);

        var options = new ModelOptions
        {
            Folders = ["blob:models/team-a/velocity-unet-onnx", "blob:models/team-a/no-such-model", RepoModel("velocity-unet")],
            BlobConnectionString = azurite.ConnectionString,
            CacheDirectory = cache,
        };
        new BlobModelFolders().PostConfigure(Options.DefaultName, options);

        var downloaded = Path.Combine(cache, "models", "team-a", "velocity-unet-onnx");
        Assert.Equal(downloaded, options.Folders[0]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepoModel("velocity-unet-onnx"), "velocity.onnx")), File.ReadAllBytes(Path.Combine(downloaded, "velocity.onnx")));
        Assert.Equal("blob:models/team-a/no-such-model", options.Folders[1]); // nothing under the prefix: left for the registry to refuse

        using var registry = new ModelRegistry(new ModelRegistryOptions { Folders = options.EffectiveFolders() });
        Assert.Equal(["velocity-unet-onnx", "velocity-unet"], registry.Names);
        Assert.Single(registry.Failures);
        Assert.Equal("onnx", registry.Get("velocity-unet-onnx").Network.Backend);
    }

    [Fact]
    public async Task ASecondDownloadReplacesTheFolderWhole()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "replace");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("m/a.txt").UploadAsync(BinaryData.FromString("one"));
        await container.GetBlobClient("m/sub/b.txt").UploadAsync(BinaryData.FromString("two"));
        var target = Path.Combine(cache, "replace", "m");
        Assert.Equal(target, (await BlobFolderDownload.DownloadAsync(container, "m", cache, 1 << 20, null, CancellationToken.None)).Path);
        Assert.Equal("two", File.ReadAllText(Path.Combine(target, "sub", "b.txt")));

        await container.GetBlobClient("m/sub/b.txt").DeleteAsync();
        await BlobFolderDownload.DownloadAsync(container, "m/", cache, 1 << 20, null, CancellationToken.None);
        Assert.False(File.Exists(Path.Combine(target, "sub", "b.txt"))); // no stale file from the first download
        Assert.Equal("one", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Empty(Directory.GetDirectories(cache, "*.partial-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task EntriesThatWouldLeaveTheCacheOrPassTheCapAreRefusedAloneAndUnfinishedDownloadsAreRemovedAtStart()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, "capped");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("one/a.bin").UploadAsync(BinaryData.FromBytes(new byte[700]));
        await container.GetBlobClient("two/a.bin").UploadAsync(BinaryData.FromBytes(new byte[700]));
        var sums = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[700]))}  a.bin\n";
        await container.GetBlobClient("pinned/a.bin").UploadAsync(BinaryData.FromBytes(new byte[700]));
        await container.GetBlobClient("pinned/SHA256SUMS").UploadAsync(BinaryData.FromString(sums));
        var pin = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sums)));
        // What a silo killed mid-download left, and a folder outside the cache that an entry names.
        var leftover = Directory.CreateDirectory(Path.Combine(cache, "capped", "one.partial-" + Guid.NewGuid().ToString("N"))).FullName;
        var outside = Path.Combine(Path.GetDirectoryName(cache)!, Path.GetFileName(cache) + "-outside");
        Directory.CreateDirectory(outside);
        try
        {
            var options = new ModelOptions
            {
                Folders =
                [
                    $"blob:capped/pinned#sha256={pin}", "blob:capped/one", "blob:capped/two", $"blob:capped/../../{Path.GetFileName(outside)}",
                    $"blob:capped//{outside.TrimStart('/')}",
                ],
                BlobConnectionString = azurite.ConnectionString,
                CacheDirectory = cache,
                MaxDownloadBytes = 700 + sums.Length + 700 + 500,
            };
            var logged = new ListLogger();
            new BlobModelFolders(logged).PostConfigure(Options.DefaultName, options);

            Assert.False(Directory.Exists(leftover));
            Assert.Equal(Path.Combine(cache, "capped", "pinned"), options.Folders[0]);
            Assert.Equal(Path.Combine(cache, "capped", "one"), options.Folders[1]);
            // The cap is on all of them together: 500 bytes are left for the third.
            Assert.Equal("blob:capped/two", options.Folders[2]);
            Assert.StartsWith("blob:", options.Folders[3]);
            Assert.StartsWith("blob:", options.Folders[4]);
            Assert.True(Directory.Exists(outside));
            Assert.Equal(
                ["GenerationPlatform:Models:Folders:2", "GenerationPlatform:Models:Folders:3", "GenerationPlatform:Models:Folders:4"],
                logged.Errors.Select(e => e.Key));
            Assert.Contains("more than 500 bytes", logged.Errors[0].Exception.Message);
            Assert.Contains("is not a relative path", logged.Errors[1].Exception.Message);
            Assert.Contains("is not a relative path", logged.Errors[2].Exception.Message);
            Assert.Empty(Directory.GetDirectories(cache, "*.partial-*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void ACacheThatCannotBeUsedRefusesTheBlobFoldersAloneAndTheSiloStillStarts()
    {
        var notAFolder = Path.Combine(cache, "file");
        File.WriteAllText(notAFolder, "");
        var options = new ModelOptions
        {
            Folders = ["blob:models/m", RepoModel("velocity-unet")],
            BlobConnectionString = azurite.ConnectionString,
            CacheDirectory = notAFolder,
        };
        var logged = new ListLogger();
        new BlobModelFolders(logged).PostConfigure(Options.DefaultName, options);
        Assert.Equal(["blob:models/m", RepoModel("velocity-unet")], options.Folders);
        var (key, exception) = Assert.Single(logged.Errors);
        Assert.Equal("GenerationPlatform:Models:Folders:0", key);
        Assert.Contains("GenerationPlatform:Models:CacheDirectory", exception.Message);
    }

    /// <summary>The Error entries logged, with the configuration key each names.</summary>
    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<BlobModelFolders>
    {
        public List<(string Key, Exception Exception)> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (logLevel != Microsoft.Extensions.Logging.LogLevel.Error || state is not IReadOnlyList<KeyValuePair<string, object?>> values) return;
            Errors.Add(((string)values.Single(v => v.Key == "Key").Value!, exception!));
        }
    }
}
