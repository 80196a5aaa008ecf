// TorchSharp's default random generator is process-wide: training, module initialization and the
// RNG checks here all seed and draw from it, so these tests must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
