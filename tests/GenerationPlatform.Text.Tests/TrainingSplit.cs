namespace GenerationPlatform.Text.Tests;

/// <summary>The real Fashion-MNIST training split, read once for all tests (CI installs it: .ci/run).</summary>
public static class TrainingSplit
{
    private static readonly Lazy<FashionMnistImages> Split = new(() => FashionMnistFiles.Load(train: true));

    public static FashionMnistImages Images => Split.Value;
}
