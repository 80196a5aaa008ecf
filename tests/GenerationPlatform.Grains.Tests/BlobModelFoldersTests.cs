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
        var target = Path.Combine(cache, "m");
        await BlobFolderDownload.DownloadAsync(container, "m", target, CancellationToken.None);
        Assert.Equal("two", File.ReadAllText(Path.Combine(target, "sub", "b.txt")));

        await container.GetBlobClient("m/sub/b.txt").DeleteAsync();
        await BlobFolderDownload.DownloadAsync(container, "m/", target, CancellationToken.None);
        Assert.False(File.Exists(Path.Combine(target, "sub", "b.txt"))); // no stale file from the first download
        Assert.Equal("one", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Empty(Directory.GetDirectories(cache, "*.partial-*"));
    }
}
