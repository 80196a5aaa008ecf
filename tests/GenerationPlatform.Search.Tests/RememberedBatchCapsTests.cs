using GenerationPlatform.Serving;

namespace GenerationPlatform.Search.Tests;

/// <summary>Measured batch caps remembered in a folder: read back for the same model and machine only, and only when valid.</summary>
public sealed class RememberedBatchCapsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("genplat-caps-tests-").FullName;
    private static readonly BatchCapKey Key = new("velocity-unet", "digest-1", "cpu x; 2 cores; torchsharp on cpu; threads default");
    private static readonly DateTimeOffset Measured = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly BatchCapChoice Choice = BatchCapFit.Choose([new(1, 100), new(2, 190), new(4, 350), new(8, 360)]);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ACapIsReadBackForItsModelAndMachine()
    {
        var memory = new RememberedBatchCaps(folder);
        Assert.Null(memory.Read(Key, 256, out var none));
        Assert.Null(none);
        memory.Write(Key, Choice, Measured);
        var read = memory.Read(Key, 256, out var problem);
        Assert.Null(problem);
        Assert.Equal(new RememberedCap(4, Current: true, Measured), read);
        Assert.Single(Directory.GetFiles(folder)); // written whole, then moved: no temporary left
    }

    [Fact]
    public void OtherModelFilesGiveOnlyTheLastKnownCapAndAnotherMachineNothing()
    {
        var memory = new RememberedBatchCaps(folder);
        memory.Write(Key, Choice, Measured);
        Assert.Equal(new RememberedCap(4, Current: false, Measured), memory.Read(Key with { ModelDigest = "digest-2" }, 256, out _));
        Assert.Null(memory.Read(Key with { Machine = "cpu y; 16 cores; onnx on cpu; threads default" }, 256, out _));
        Assert.Null(memory.Read(Key with { Model = "fashion-small" }, 256, out _));
    }

    [Fact]
    public void ABadFileIsIgnoredAndSaysWhy()
    {
        var memory = new RememberedBatchCaps(folder);
        var path = Path.Combine(folder, Key.FileName);
        memory.Write(Key, Choice, Measured);
        Assert.Null(memory.Read(Key, maxCap: 2, out var outOfRange));
        Assert.Contains("outside 1..2", outOfRange);
        File.WriteAllText(path, "{ not json");
        Assert.Null(memory.Read(Key, 256, out var garbled));
        Assert.NotNull(garbled);
        File.WriteAllText(path, new string(' ', RememberedBatchCaps.MaxFileBytes + 1));
        Assert.Null(memory.Read(Key, 256, out var tooBig));
        Assert.Contains("more than", tooBig);
        memory.Write(Key, Choice, Measured); // the next measurement replaces it
        Assert.Equal(4, memory.Read(Key, 256, out _)?.Cap);
    }

    [Fact]
    public void TheKeyNamesThisMachineAndDigestsFiles()
    {
        var machine = BatchCapKey.ThisMachine("onnx", "cpu", 0);
        Assert.Contains($"{Environment.ProcessorCount} cores", machine);
        Assert.Contains("onnx on cpu", machine);
        Assert.NotEqual(machine, BatchCapKey.ThisMachine("torchsharp", "cpu", 0));
        var a = Path.Combine(folder, "a.bin");
        File.WriteAllBytes(a, [1, 2, 3]);
        string before = BatchCapKey.DigestOf([a]);
        File.WriteAllBytes(a, [1, 2, 4]);
        Assert.NotEqual(before, BatchCapKey.DigestOf([a]));
    }
}
