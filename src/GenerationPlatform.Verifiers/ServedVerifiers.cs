using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers;

/// <summary>
/// What this host serves: the built-in verifiers and the registered <c>onnx:NAME</c> ones (canonical names; a registered
/// name outside the spec grammar, say with a '+', could not be requested, so it is not listed).
/// </summary>
public sealed class ServedVerifiers(OnnxVerifierRegistry onnx, bool noiseAwareHead) : IServedVerifiers
{
    public ServedVerifiers(OnnxVerifierRegistry onnx) : this(onnx, BuiltInVerifiers.ShippedNoiseAwareHead) { }

    public IReadOnlyList<VerifierDescription> Verifiers { get; } =
    [
        .. BuiltInVerifiers.Describe(noiseAwareHead),
        .. onnx.Onnx
            .Select(kv => (Name: VerifierNames.Canonical(VerifierNames.OnnxPrefix + kv.Key, out _), Spec: kv.Value))
            .Where(v => v.Name is not null && VerifierNames.Members(v.Name).Count == 0)
            .DistinctBy(v => v.Name, StringComparer.Ordinal)
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .Select(v => BuiltInVerifiers.Describe(v.Name!, v.Spec)),
    ];
}
