using GenerationPlatform.Serving;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search.Tests;

/// <summary>A latent model's denoiser hands back images, not latents, wherever an outcome is an image.</summary>
public sealed class RenderedOutcomeTests
{
    /// <summary>A stand-in decoder: each 1x28x28 latent becomes a 3x28x28 image (channels: the latent, its double, its negative).</summary>
    private sealed class ThreeChannels : IImageRenderer
    {
        public ImageShape ImageShape => new(3, 28, 28);

        public float[] Render(ReadOnlySpan<float> states, int count)
        {
            var images = new float[count * 3 * 784];
            for (int n = 0; n < count; n++)
                for (int p = 0; p < 784; p++)
                {
                    float v = states[n * 784 + p];
                    images[n * 2352 + p] = v;
                    images[n * 2352 + 784 + p] = 2 * v;
                    images[n * 2352 + 1568 + p] = -v;
                }
            return images;
        }
    }

    [Fact]
    public async Task FinalStatesAndX0PredictionsComeBackRenderedAndIntermediateStatesDoNot()
    {
        var renderer = new ThreeChannels();
        IDenoiser plain = new LocalDenoiser(new GaussianField()), rendered = new LocalDenoiser(new GaussianField(), renderer: renderer);
        Assert.Equal((new ImageShape(1, 28, 28), new ImageShape(3, 28, 28)), (rendered.Shape, rendered.ImageShape));
        var request = new SearchRequest(2, 1f, 5, 100, Steps: 6);
        TrajectorySpec[] specs = [request.Full(new NoiseSeed(5, 0, 0), x0Times: [0.5f]), request.Segment(new NoiseSeed(5, 0, 1), null, 0, 3)];
        var a = await plain.DenoiseAsync(specs, CancellationToken.None);
        var b = await rendered.DenoiseAsync(specs, CancellationToken.None);

        Assert.Equal(renderer.Render(a[0].State, 1), b[0].State); // the finished sample: rendered
        Assert.Equal(renderer.Render(a[0].X0Predictions[0].Image, 1), b[0].X0Predictions[0].Image);
        Assert.Equal(a[1].State, b[1].State); // a segment ending at t = 0.5: the state to continue from, not an image
        Assert.Equal(renderer.Render(a[1].X0Predictions[0].Image, 1), b[1].X0Predictions[0].Image);

        // A search over it scores and returns images of the rendered shape.
        var context = new SearchContext(rendered, new VerifierPanel(new MeanTargetVerifier(0.55)), new NfeBudget(request.SampleNfe * 4));
        var result = await new Algorithms.RandomSearch().RunAsync(request with { BudgetNfe = request.SampleNfe * 4, TopK = 1 }, context, CancellationToken.None);
        Assert.Equal(3 * 784, result.Top[0].Image.Length);
    }
}
