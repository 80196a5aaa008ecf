namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>What <see cref="OnnxBatching.MakeBatchSymbolic"/> did to a model.</summary>
/// <param name="Model">The model bytes to load: rewritten when <paramref name="Batched"/>, else the original.</param>
/// <param name="Batched">True when the batch dimension is now symbolic and the graph has nothing that pins it to 1.</param>
/// <param name="DimsRewritten">How many graph inputs, outputs and value_info entries had their batch dimension made symbolic.</param>
/// <param name="FallbackReason">Why the model must be run one image at a time, when it must.</param>
/// <param name="OpTypes">Every operator type in the graph.</param>
public sealed record OnnxBatchRewrite(byte[] Model, bool Batched, int DimsRewritten, string? FallbackReason, IReadOnlySet<string> OpTypes);
