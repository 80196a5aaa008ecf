// Each test starts its own cluster of processes: one at a time on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
