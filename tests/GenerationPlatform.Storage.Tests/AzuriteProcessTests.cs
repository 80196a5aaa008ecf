using GenerationPlatform.Testing;

namespace GenerationPlatform.Storage;

public sealed class AzuriteProcessTests
{
    [Fact]
    public void AMissingAzuriteFailsWithInstallInstructions()
    {
        var empty = Directory.CreateTempSubdirectory("genplat-no-azurite-");
        try
        {
            var notInstalled = Assert.Throws<InvalidOperationException>(() => AzuriteProcess.FindExecutable(null, empty.FullName));
            Assert.Contains("npm install --prefix .tools/azurite azurite@3.37.0", notInstalled.Message);
            Assert.Contains(AzuriteProcess.ExecutableVariable, notInstalled.Message);

            var wrongPath = Path.Combine(empty.FullName, "azurite");
            var badVariable = Assert.Throws<InvalidOperationException>(() => AzuriteProcess.FindExecutable(wrongPath, empty.FullName));
            Assert.Contains(wrongPath, badVariable.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BlobQueueAndTableStartTogetherOnTheirOwnPorts()
    {
        using var azurite = await AzuriteProcess.StartAsync(AzuriteServices.All);
        Assert.Equal(3, new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }.Distinct().Count());
        Assert.Contains($"TableEndpoint=http://127.0.0.1:{azurite.TablePort}/devstoreaccount1;", azurite.ConnectionString);
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/devstoreaccount1;", azurite.ConnectionString);
        var service = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString);
        Assert.NotNull((await service.GetPropertiesAsync()).Value);
        using var table = new System.Net.Sockets.TcpClient();
        await table.ConnectAsync(System.Net.IPAddress.Loopback, azurite.TablePort);
    }
}
