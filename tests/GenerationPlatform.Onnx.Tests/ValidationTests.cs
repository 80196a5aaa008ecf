using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Testing;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Onnx.Tests;

/// <summary>An ONNX denoiser whose graph does not match the manifest is refused at load, naming the field and both values.</summary>
public class ValidationTests
{
    private static readonly byte[] Rgb16 = TinyModels.RgbOnnx(side: 16, classes: 3);
    private static readonly Conditioning ThreeClasses = Conditioning.ForClasses(["a", "b", "c"]);

    private static ModelLoadException Refused(byte[] model, ImageShape shape, Conditioning conditioning) =>
        Assert.Throws<ModelLoadException>(() => new OnnxVelocityNetwork(model, shape, conditioning).Dispose());

    [Fact]
    public void MatchingManifestLoads() => new OnnxVelocityNetwork(Rgb16, new ImageShape(3, 16, 16), ThreeClasses).Dispose();

    [Fact]
    public void WrongChannelsAreNamed()
    {
        var e = Refused(Rgb16, new ImageShape(1, 16, 16), ThreeClasses);
        Assert.Equal("weights", e.Field);
        Assert.Contains("input 'x' has 3 channels, the manifest declares 1", e.Message);
    }

    [Fact]
    public void WrongSidesAreNamed()
    {
        Assert.Contains("input 'x' has height 16, the manifest declares 28", Refused(Rgb16, new ImageShape(3, 28, 16), ThreeClasses).Message);
        Assert.Contains("input 'x' has width 16, the manifest declares 32", Refused(Rgb16, new ImageShape(3, 16, 32), ThreeClasses).Message);
    }

    [Fact]
    public void TextManifestOnAClassModelIsRefused()
    {
        var e = Refused(Rgb16, new ImageShape(3, 16, 16), Conditioning.ForText("minilm", 384));
        Assert.Contains("input 'condition' is int64, but the manifest declares a text model", e.Message);
    }

    [Fact]
    public void EmbeddingSizeMismatchIsNamed()
    {
        using var net = TinyModels.Text(embedding: 12);
        var e = Refused(OnnxExporter.Export(net), net.Config.Shape, Conditioning.ForText("minilm", 384));
        Assert.Contains("takes 12-d embeddings, the manifest declares 384", e.Message);
    }

    [Fact]
    public void MoreClassesThanTheLabelTableHoldsFailTheProbe()
    {
        // The table has rows for 3 classes and the null label: a manifest with 5 classes asks for label 5.
        var e = Refused(Rgb16, new ImageShape(3, 16, 16), Conditioning.ForClasses(["a", "b", "c", "d", "e"]));
        Assert.Equal("weights", e.Field);
        Assert.Contains("null label 5", e.Message);
    }

    [Fact]
    public void FixedBatchAndMissingInputsAreRefused()
    {
        var g = new OnnxGraphBuilder("fixed");
        g.Input("x", OnnxElementType.Float, 1, 3, 16, 16);
        g.Input("t", OnnxElementType.Float, 1);
        g.Input("condition", OnnxElementType.Int64, 1);
        g.NodeNamed("Identity", ["x"], ["v"]);
        g.Output("v", OnnxElementType.Float, 1, 3, 16, 16);
        Assert.Contains("fixed batch of 1", Refused(g.ToModel(), new ImageShape(3, 16, 16), ThreeClasses).Message);

        var h = new OnnxGraphBuilder("missing");
        h.Input("image", OnnxElementType.Float, "N", 3, 16, 16);
        h.NodeNamed("Identity", ["image"], ["v"]);
        h.Output("v", OnnxElementType.Float, "N", 3, 16, 16);
        Assert.Contains("the ONNX graph has no input 'x' (its inputs: 'image' float [N, 3, 16, 16])", Refused(h.ToModel(), new ImageShape(3, 16, 16), ThreeClasses).Message);
    }

    [Fact]
    public void NotAnOnnxFileIsRefused()
    {
        var e = Refused([1, 2, 3, 4], new ImageShape(3, 16, 16), ThreeClasses);
        Assert.Equal("weights", e.Field);
        Assert.Throws<ModelLoadException>(() => new OnnxVelocityNetwork("/nonexistent/velocity.onnx", new ImageShape(3, 16, 16), ThreeClasses));
    }
}
