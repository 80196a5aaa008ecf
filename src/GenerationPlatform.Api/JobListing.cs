namespace GenerationPlatform.Api;

/// <summary>The bounds of a ListJobs call (docs/API.md, Limits): what one page holds, and what one call reads at most.</summary>
public static class JobListing
{
    /// <summary>Jobs a page holds when page_size is 0.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The largest page_size.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Index rows one call reads at most with a state filter (a page of a rare state may come back short).</summary>
    public const int ScanLimit = 1000;

    /// <summary>The longest page_token read.</summary>
    public const int MaxPageTokenLength = 512;
}
