// TorchSharp's default random generator is process-wide and the parity tests use all cores: run one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
