namespace GenerationPlatform.Core.Verifiers;

/// <summary>How an `onnx:NAME` verifier turns the model's output into one score per image.</summary>
public static class OnnxScoreKinds
{
    /// <summary>Output [N] or [N, 1]: the value is the score.</summary>
    public const string Scalar = "scalar";

    /// <summary>Output [N, C]: the value at the requested label.</summary>
    public const string LogitOfClass = "logit-of-class";

    /// <summary>Output [N, C] of logits: log-softmax over C, at the requested label.</summary>
    public const string LogSoftmaxOfClass = "log-softmax-of-class";

    /// <summary>Output [N, C] of logits: softmax over C, at the requested label.</summary>
    public const string SoftmaxOfClass = "softmax-of-class";

    public static IReadOnlyList<string> All { get; } = [Scalar, LogitOfClass, LogSoftmaxOfClass, SoftmaxOfClass];

    public static bool IndexesClass(string kind) => kind != Scalar;
}
