namespace GenerationPlatform.Search;

/// <summary>A search algorithm of SEARCH.md section 3: proposes noises or paths, has them denoised and verified, within the budget.</summary>
public interface ISearchAlgorithm
{
    string Name { get; }

    /// <summary>The algorithm's parameters (a record: its ToString names every value).</summary>
    object Options { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad parameter.</summary>
    void Validate();

    /// <summary>True when it ranks x0-predictions with the verifier's noise-aware head (<see cref="IBatchScorer.RanksNoisyInputs"/> required).</summary>
    bool RanksNoisyInputs => false;

    /// <summary>
    /// What a run on <paramref name="request"/> will spend and size, from the request and parameters
    /// alone, with checked arithmetic and in bounded time (no loop on floating-point steps). Throws
    /// <see cref="SearchPlanException"/> when the search cannot run within the budget and
    /// <see cref="SearchLimits"/>. The run charges exactly <see cref="SearchPlan.Nfe"/>.
    /// </summary>
    SearchPlan Plan(SearchRequest request);

    /// <summary>
    /// The same algorithm with every parameter whose default depends on the request fixed for <paramref name="request"/>
    /// (random search's round size), so that its spec (<see cref="AlgorithmCatalog.SpecOf"/>) says what will run.
    /// </summary>
    ISearchAlgorithm ForRequest(SearchRequest request) => this;

    Task<SearchResult> RunAsync(SearchRequest request, SearchContext context, CancellationToken cancellationToken);
}
