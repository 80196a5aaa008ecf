using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests;

/// <summary>
/// What the built-in verifiers are said to score and cost (<see cref="BuiltInVerifiers"/>, which the API and the CLI
/// validate requests against) is what the built verifiers do: every image a scope accepts is scored, and the FLOPs and
/// the noise-aware head are the built verifier's own.
/// </summary>
public sealed class BuiltInVerifiersTests
{
    private static readonly string[] Fashion = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The kinds of model the platform serves: grayscale and RGB class models of Fashion-MNIST, an RGB text model, a large RGB class model of other classes.</summary>
    private static readonly ModelDescription[] Models =
    [
        new("gray-fashion", "", "torchsharp", new(1, 28, 28), new(1, 28, 28), Conditioning.ForClasses(Fashion)),
        new("rgb-fashion", "", "onnx", new(3, 28, 28), new(3, 28, 28), Conditioning.ForClasses(Fashion)),
        new("text", "", "torchsharp", new(3, 28, 28), new(3, 28, 28), Conditioning.ForText("all-MiniLM-L6-v2", 384)),
        new("big-coats", "", "onnx", new(3, 64, 64), new(3, 64, 64), Conditioning.ForClasses(["red coat", "green coat", "blue coat"])),
    ];

    [Fact]
    public void EveryImageAScopeAcceptsIsScored()
    {
        using var catalog = new VerifierCatalog();
        foreach (var described in BuiltInVerifiers.Describe(BuiltInVerifiers.ShippedNoiseAwareHead))
        {
            var verifier = catalog.Get(described.Name);
            foreach (var model in Models)
            {
                if (described.Scope.Problem(model) is not null) continue;
                var shape = model.ImageShape;
                var image = Enumerable.Range(0, shape.Size).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
                var input = new VerifierInput(image, model.Conditioning.IsText ? -1 : 7 % model.Conditioning.Classes, verifier.NeedsProbe ? image : null, shape,
                    model.Conditioning.IsText ? "a red dress" : null);
                var score = verifier.Score([input]);
                Assert.True(double.IsFinite(score[0]), $"{described.Name} on {model.Name}: {score[0]}");
            }
        }
    }

    [Fact]
    public void WhatAScopeRefusesIsWhatTheVerifierCannotScore()
    {
        using var catalog = new VerifierCatalog();
        var text = Models[2];
        foreach (var name in new[] { "classifier", "class-gaussian", "resnet-probe" })
        {
            Assert.NotNull(BuiltInVerifiers.Describe(true).Single(v => v.Name == name).Scope.Problem(text));
            var image = new float[text.ImageShape.Size];
            Assert.ThrowsAny<ArgumentException>(() => catalog.Get(name).Score([new VerifierInput(image, -1, Shape: text.ImageShape, Prompt: "a red dress")]));
        }
    }

    [Fact]
    public void TheStatedCostsAndHeadAreTheBuiltVerifiers()
    {
        using var catalog = new VerifierCatalog();
        foreach (var described in BuiltInVerifiers.Describe(BuiltInVerifiers.ShippedNoiseAwareHead))
        {
            var verifier = catalog.Get(described.Name);
            Assert.Equal(verifier.FlopsPerImage, described.Scope.FlopsPerImage);
            Assert.True(described.Scope.FlopsPerImage > 0, $"{described.Name} states no cost: its compute could not be charged");
            Assert.Equal(verifier.RanksNoisyInputs, described.Scope.RanksNoisyInputs);
            if (verifier.RanksNoisyInputs) Assert.Equal(verifier.FlopsPerNoisyImage, described.Scope.NoisyFlops);
        }
        Assert.Equal(VerifierNames.BaseNames, BuiltInVerifiers.Describe(true).Select(v => v.Name));
    }
}
