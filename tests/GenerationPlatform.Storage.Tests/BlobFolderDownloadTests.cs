using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace GenerationPlatform.Storage;

/// <summary>
/// Folders copied from Blob Storage (a real Azurite): addresses that would leave the cache, the byte cap on what arrives, SHA256SUMS and its
/// pin, and the staging folders of downloads that did not finish.
/// </summary>
public sealed class BlobFolderDownloadTests(AzuriteBlobFixture fixture) : IClassFixture<AzuriteBlobFixture>, IDisposable
{
    private readonly string cache = Directory.CreateTempSubdirectory("genplat-blob-cache-").FullName;

    public void Dispose() => Directory.Delete(cache, recursive: true);

    private async Task<BlobContainerClient> ContainerWith(params (string Name, string Content)[] blobs)
    {
        var container = new BlobContainerClient(fixture.Azurite.ConnectionString, "folders-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        foreach (var (name, content) in blobs) await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(content));
        return container;
    }

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private Task<DownloadedFolder> Download(BlobContainerClient container, string prefix, long maxBytes = 1 << 20, string? pin = null) =>
        BlobFolderDownload.DownloadAsync(container, prefix, cache, maxBytes, pin, CancellationToken.None);

    private string[] Leftovers() => Directory.GetDirectories(cache, "*.partial-*", SearchOption.AllDirectories);

    [Theory]
    [InlineData("../x", "container '..' is not a blob container name")]
    [InlineData("models/../../x", "prefix '../../x' is not a relative path")]
    [InlineData("models/team/../../../x", "is not a relative path")]
    [InlineData("models//etc", "prefix '/etc' is not a relative path")]
    [InlineData("/models/x", "is absolute")]
    [InlineData("Models/x", "container 'Models' is not a blob container name")]
    [InlineData("models/a\\..\\..\\b", "is not a relative path")]
    [InlineData("models/./x", "is not a relative path")]
    [InlineData("models/x#sha256=abc", "64 hex digits")]
    public void AnAddressThatCouldLeaveTheCacheIsRefusedSayingWhy(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => BlobFolderAddress.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AnAddressIsAContainerARelativePrefixAndAnOptionalPin()
    {
        var pin = new string('A', 64);
        Assert.Equal(new BlobFolderAddress("models", "team-a/m", null), BlobFolderAddress.Parse("models/team-a/m/"));
        Assert.Equal(new BlobFolderAddress("models", "", null), BlobFolderAddress.Parse("models"));
        Assert.Equal(new BlobFolderAddress("models", "m", new string('a', 64)), BlobFolderAddress.Parse($"models/m#sha256={pin}"));
        Assert.Equal(Path.Combine(cache, "models", "team-a", "m"), BlobFolderAddress.Parse("models/team-a/m").LocalFolder(cache));
    }

    [Fact]
    public async Task TheFolderIsReplacedOnlyBelowTheCacheNeverThroughALink()
    {
        var outside = Directory.CreateTempSubdirectory("genplat-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "keep.txt"), "mine");
            Directory.CreateSymbolicLink(Path.Combine(cache, "linked"), outside);
            var container = await ContainerWith(("m/a.txt", "one"));
            // A container named like the link: its copy would replace a folder outside the cache.
            var linked = new BlobContainerClient(fixture.Azurite.ConnectionString, "linked");
            await linked.CreateIfNotExistsAsync();
            await linked.GetBlobClient("keep.txt/a").UploadAsync(BinaryData.FromString("x"));
            var e = await Assert.ThrowsAsync<FormatException>(() => Download(linked, "keep.txt"));
            Assert.Contains("not below the cache", e.Message);
            Assert.Equal("mine", File.ReadAllText(Path.Combine(outside, "keep.txt")));
            Assert.False(BlobFolderAddress.IsBelow(cache, cache));
            Assert.False(BlobFolderAddress.IsBelow(cache, cache + "-sibling" + Path.DirectorySeparatorChar + "x"));
            // A prefix with '..' is refused before anything is listed, whoever calls.
            await Assert.ThrowsAsync<FormatException>(() => Download(container, "m/../../.."));
            Assert.Empty(Leftovers());
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task TheCapCountsTheBytesThatArriveNotTheListedLengths()
    {
        var container = await ContainerWith(("m/a.bin", new string('a', 600)), ("m/b.bin", new string('b', 600)));
        var listed = await Assert.ThrowsAsync<InvalidOperationException>(() => Download(container, "m", maxBytes: 1000));
        Assert.Contains("more than 1000 bytes", listed.Message);

        // A listing that understates every length (a blob rewritten after it was listed): the download still stops at the cap.
        var understated = new UnderstatedListing(container);
        var arrived = await Assert.ThrowsAsync<InvalidOperationException>(() => BlobFolderDownload.DownloadAsync(understated, "m", cache, 1000, null, CancellationToken.None));
        Assert.Contains("more than 1000 bytes", arrived.Message);
        Assert.Empty(Leftovers());
        Assert.False(Directory.Exists(Path.Combine(cache, container.Name, "m")));

        var whole = await Download(container, "m", maxBytes: 1200);
        Assert.Equal((1200L, 2), (whole.Bytes, whole.Files));
    }

    [Fact]
    public async Task Sha256SumsPinsEveryFileAndTheEntryCanPinSha256Sums()
    {
        string a = "weights", b = "manifest";
        var sums = $"{Sha256(a)}  a.bin\n{Sha256(b)} *./sub/model.json\n";
        var container = await ContainerWith(("m/a.bin", a), ("m/sub/model.json", b), ("m/SHA256SUMS", sums));
        var folder = await Download(container, "m", pin: Sha256(sums));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(folder.Path, "a.bin")));
        Assert.Equal(3, folder.Files);

        // Pinned to other sums: refused, and the good copy stays.
        var wrongPin = await Assert.ThrowsAsync<InvalidDataException>(() => Download(container, "m", pin: Sha256("other")));
        Assert.Contains($"SHA256SUMS has SHA-256 {Sha256(sums)}, not the pinned {Sha256("other")}", wrongPin.Message);
        Assert.Equal("weights", File.ReadAllText(Path.Combine(folder.Path, "a.bin")));

        // A file changed in storage, without a pin: SHA256SUMS alone catches it.
        await container.GetBlobClient("m/a.bin").UploadAsync(BinaryData.FromString("tampered"), overwrite: true);
        var changed = await Assert.ThrowsAsync<InvalidDataException>(() => Download(container, "m"));
        Assert.Contains($"a.bin has SHA-256 {Sha256("tampered")}, not the {Sha256(a)} of SHA256SUMS", changed.Message);
        Assert.Equal("weights", File.ReadAllText(Path.Combine(folder.Path, "a.bin")));
        await container.GetBlobClient("m/a.bin").UploadAsync(BinaryData.FromString(a), overwrite: true);

        await container.GetBlobClient("m/extra.bin").UploadAsync(BinaryData.FromString("x"));
        Assert.Contains("extra.bin is not listed in SHA256SUMS", (await Assert.ThrowsAsync<InvalidDataException>(() => Download(container, "m"))).Message);
        await container.GetBlobClient("m/extra.bin").DeleteAsync();
        await container.GetBlobClient("m/sub/model.json").DeleteAsync();
        Assert.Contains("SHA256SUMS lists sub/model.json, which the folder does not have",
            (await Assert.ThrowsAsync<InvalidDataException>(() => Download(container, "m"))).Message);

        // A pin without SHA256SUMS, and a SHA256SUMS that is not one.
        var bare = await ContainerWith(("m/a.bin", a));
        Assert.Contains("pins SHA256SUMS", (await Assert.ThrowsAsync<InvalidDataException>(() => Download(bare, "m", pin: Sha256(sums)))).Message);
        await bare.GetBlobClient("m/SHA256SUMS").UploadAsync(BinaryData.FromString($"{Sha256(a)} a.bin\n"));
        Assert.Contains("SHA256SUMS line 1", (await Assert.ThrowsAsync<FormatException>(() => Download(bare, "m"))).Message);
        await bare.GetBlobClient("m/SHA256SUMS").UploadAsync(BinaryData.FromString($"{Sha256(a)}  ../a.bin\n"), overwrite: true);
        Assert.Contains("'../a.bin' is not a path below the folder", (await Assert.ThrowsAsync<FormatException>(() => Download(bare, "m"))).Message);
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void UnfinishedDownloadsAreRemovedAndTheCacheIsHeldByOneProcessAtATime()
    {
        var staging = Directory.CreateDirectory(Path.Combine(cache, "models", "m.partial-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(staging, "half.bin"), "half");
        var model = Directory.CreateDirectory(Path.Combine(cache, "models", "m")).FullName;
        var notOurs = Directory.CreateDirectory(Path.Combine(cache, "models", "notes.partial-draft")).FullName;
        using (BlobFolderDownload.LockCache(cache, TimeSpan.Zero))
        {
            Assert.Throws<IOException>(() => BlobFolderDownload.LockCache(cache, TimeSpan.FromMilliseconds(300)).Dispose());
            Assert.Equal(1, BlobFolderDownload.RemoveLeftovers(cache));
        }
        Assert.False(Directory.Exists(staging));
        Assert.True(Directory.Exists(model));
        Assert.True(Directory.Exists(notOurs));
        BlobFolderDownload.LockCache(cache, TimeSpan.Zero).Dispose();
        Assert.Equal(0, BlobFolderDownload.RemoveLeftovers(Path.Combine(cache, "absent")));
    }

    /// <summary>The real container, listed with every blob's length understated (as if rewritten between the listing and its download).</summary>
    private sealed class UnderstatedListing(BlobContainerClient real) : BlobContainerClient
    {
        public override string Name => real.Name;

        public override BlobClient GetBlobClient(string blobName) => real.GetBlobClient(blobName);

        public override AsyncPageable<BlobItem> GetBlobsAsync(BlobTraits traits = BlobTraits.None, BlobStates states = BlobStates.None, string? prefix = null,
            CancellationToken cancellationToken = default) => new Listing(Understated(real.GetBlobsAsync(traits, states, prefix, cancellationToken)));

        private static async IAsyncEnumerable<BlobItem> Understated(AsyncPageable<BlobItem> items)
        {
            var length = typeof(BlobItemProperties).GetProperty(nameof(BlobItemProperties.ContentLength), BindingFlags.Instance | BindingFlags.Public)!;
            await foreach (var item in items)
            {
                length.SetValue(item.Properties, 1L);
                yield return item;
            }
        }
    }

    private sealed class Listing(IAsyncEnumerable<BlobItem> items) : AsyncPageable<BlobItem>
    {
        public override IAsyncEnumerable<Page<BlobItem>> AsPages(string? continuationToken = null, int? pageSizeHint = null) => throw new NotSupportedException();

        public override IAsyncEnumerator<BlobItem> GetAsyncEnumerator(CancellationToken cancellationToken = default) => items.GetAsyncEnumerator(cancellationToken);
    }
}
