using GenerationPlatform.Diffusion.Model;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Sampling;

/// <summary>
/// Classifier-free guidance around a network: v = v_u + w (v_c - v_u). Rows with w = 1 (or the null
/// condition) skip the unconditional branch, so guidance costs only where it is used.
/// </summary>
public sealed class GuidedVelocityField(IVelocityNetwork network) : IVelocityField
{
    private long modelEvaluations, calls;

    /// <summary>Our own network through TorchSharp (classes named by index).</summary>
    public GuidedVelocityField(VelocityUNet model) : this(new TorchVelocityNetwork(model, owns: false)) { }

    public long ModelEvaluations => Interlocked.Read(ref modelEvaluations);
    public long Calls => Interlocked.Read(ref calls);
    public IVelocityNetwork Network => network;
    public ImageShape Shape => network.Shape;
    public Conditioning Conditioning => network.Conditioning;

    public Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows)
    {
        int n = rows.Count;
        if (x.shape[0] != n) throw new ArgumentException($"batch has {x.shape[0]} states but {n} queries");
        var conditioning = network.Conditioning;
        int nullLabel = conditioning.NullLabel, dim = conditioning.EmbeddingSize;
        var guided = new List<int>();
        for (int i = 0; i < n; i++)
        {
            bool isNull;
            if (conditioning.IsText)
            {
                if (rows[i].Embedding is { } e && e.Length != dim) throw new ArgumentOutOfRangeException(nameof(rows), $"embedding has {e.Length} values, the model takes {dim}");
                isNull = rows[i].Embedding is null;
            }
            else
            {
                if (rows[i].Label < 0 || rows[i].Label > nullLabel) throw new ArgumentOutOfRangeException(nameof(rows), $"label {rows[i].Label} outside 0..{nullLabel}");
                if (rows[i].Embedding is not null) throw new ArgumentOutOfRangeException(nameof(rows), "a class model takes no prompt embedding");
                isNull = rows[i].Label == nullLabel;
            }
            if (rows[i].Guidance != 1f && !isNull) guided.Add(i);
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int total = n + guided.Count;
        var times = new float[total];
        for (int i = 0; i < n; i++) times[i] = rows[i].T;
        for (int j = 0; j < guided.Count; j++) times[n + j] = rows[guided[j]].T;
        Tensor condition;
        if (conditioning.IsText)
        {
            var embeddings = new float[total * dim]; // the unconditional rows stay zero
            for (int i = 0; i < n; i++) rows[i].Embedding?.CopyTo(embeddings, i * dim);
            condition = tensor(embeddings, [total, dim]);
        }
        else
        {
            var labels = new long[total];
            for (int i = 0; i < n; i++) labels[i] = rows[i].Label;
            for (int j = 0; j < guided.Count; j++) labels[n + j] = nullLabel;
            condition = tensor(labels);
        }
        var input = guided.Count == 0 ? x : cat([x, x.index_select(0, tensor(guided.Select(i => (long)i).ToArray()))], 0);
        var v = network.Forward(input, tensor(times), condition);
        Interlocked.Add(ref modelEvaluations, total);
        Interlocked.Increment(ref calls);
        if (guided.Count == 0) return v.MoveToOuterDisposeScope();
        var conditional = v.narrow(0, 0, n).clone();
        var unconditional = v.narrow(0, n, guided.Count);
        var idx = tensor(guided.Select(i => (long)i).ToArray());
        var w = tensor(guided.Select(i => rows[i].Guidance).ToArray()).view(-1, 1, 1, 1);
        var vc = conditional.index_select(0, idx);
        conditional.index_copy_(0, idx, unconditional + w * (vc - unconditional));
        return conditional.MoveToOuterDisposeScope();
    }
}
