using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation.Tests;

public sealed class WithinClassDistanceTests
{
    [Fact]
    public void AveragesTheMeanPairwiseDistanceOfEachClass()
    {
        // Class 0: three points on a line at 0, 3 and 4 (pairs 3, 4, 1: mean 8/3); class 1: two points 10 apart (a 6-8-10
        // triangle); class 2 has one image and no pair, so it does not count.
        using var points = tensor(new float[] { 0, 0, 3, 0, 4, 0, 1, 1, 7, 9, 5, 5 }, [6, 2]);
        double d = WithinClassDistance.Mean(points, [0, 0, 0, 1, 1, 2]);
        Assert.Equal((8.0 / 3 + 10) / 2, d, 6);
    }

    [Fact]
    public void FlattensImagesAndIsNaNWithoutAPair()
    {
        using var images = zeros(4, 1, 2, 2);
        images[1].fill_(1); // 4 pixels each 1 away: distance 2
        Assert.Equal(2, WithinClassDistance.Mean(images.narrow(0, 0, 2), [5, 5]), 6);
        Assert.True(double.IsNaN(WithinClassDistance.Mean(images, [0, 1, 2, 3])));
        Assert.Equal(0, WithinClassDistance.Mean(images.narrow(2, 0, 1).index_select(0, tensor(new long[] { 0, 2 })), [3, 3]));
        Assert.Throws<ArgumentException>(() => WithinClassDistance.Mean(images, [0, 1]));
    }
}
