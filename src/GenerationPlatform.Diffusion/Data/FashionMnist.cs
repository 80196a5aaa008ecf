namespace GenerationPlatform.Diffusion.Data;

public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    public const string InstallHint = "Install it with: sudo apt-get install dataset-fashion-mnist (or set GENPLAT_FASHION_MNIST to a folder with the IDX files)";
    public const int ClassCount = 10;

    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static string ResolveDirectory(string? directory = null) =>
        directory ?? Environment.GetEnvironmentVariable("GENPLAT_FASHION_MNIST") ?? DefaultDirectory;

    public static FashionMnistSplit Load(bool train, string? directory = null)
    {
        var dir = ResolveDirectory(directory);
        string prefix = train ? "train" : "t10k";
        var images = IdxReader.Read(FindFile(dir, $"{prefix}-images-idx3-ubyte"), 3);
        var labels = IdxReader.Read(FindFile(dir, $"{prefix}-labels-idx1-ubyte"), 1);
        if (images.Shape[1] != FashionMnistSplit.Side || images.Shape[2] != FashionMnistSplit.Side)
            throw new DatasetException($"{dir}: images are {images.Shape[1]}x{images.Shape[2]}, expected 28x28");
        if (images.Count != labels.Count)
            throw new DatasetException($"{dir}: {images.Count} images but {labels.Count} labels in the {prefix} split");
        foreach (var label in labels.Data)
            if (label >= ClassCount)
                throw new DatasetException($"{dir}: label {label} in the {prefix} split is outside 0..9");
        return new FashionMnistSplit(images.Data, labels.Data, images.Count);
    }

    private static string FindFile(string dir, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        return Path.Combine(dir, stem + ".gz"); // the reader reports it missing, with the install hint
    }

    /// <summary>Fashion-MNIST's classes as a model's conditioning.</summary>
    public static Core.Model.Conditioning Conditioning { get; } = Core.Model.Conditioning.ForClasses(ClassNames);

    /// <summary>Parses a class given by index or by name, forgiving case, spaces, hyphens and slashes (<see cref="Core.Model.Conditioning.ParseClass"/>).</summary>
    public static bool TryParseClass(string? text, out int classIndex)
    {
        classIndex = text is null ? -1 : Conditioning.ParseClass(text) ?? -1;
        return classIndex >= 0;
    }

    public static int ParseClass(string? text) =>
        TryParseClass(text, out var i) ? i
            : throw new ArgumentException($"unknown class '{text}': use 0-9 or one of {string.Join(", ", ClassNames)}");
}
