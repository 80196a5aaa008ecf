namespace GenerationPlatform.Core.Verifiers;

/// <summary>The base verifiers this host serves (built-in and registered <c>onnx:NAME</c> ones), described without loading them.</summary>
public interface IServedVerifiers
{
    IReadOnlyList<VerifierDescription> Verifiers { get; }
}
