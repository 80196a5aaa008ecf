namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>How to load <see cref="ResNet18Features"/>.</summary>
/// <param name="ModelDirectory">Folder holding ResNet18Onnx/ResNet18.onnx and ResNetPrepOnnx/ResNetPreprocess.onnx (default: DnnImageModels/ next to the application).</param>
/// <param name="MaxBatch">Most images per ONNX Runtime call; larger requests are split.</param>
/// <param name="IntraOpThreads">ONNX Runtime threads per call; 0 lets it pick (one per physical core).</param>
/// <param name="Batched">False loads the model as shipped (batch fixed at 1) and runs one image per call.</param>
public sealed record ResNet18Options(string? ModelDirectory = null, int MaxBatch = 32, int IntraOpThreads = 0, bool Batched = true);
