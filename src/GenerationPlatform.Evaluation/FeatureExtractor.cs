namespace GenerationPlatform.Evaluation;

/// <summary>Image features for a Fréchet distance: [images.Count][dim], in input order.</summary>
public delegate float[][] FeatureExtractor(IReadOnlyList<float[]> images, CancellationToken cancellationToken);
