namespace GenerationPlatform.Bench.LoadTest;

/// <summary>A tenant of the load test: its name, API key and role (flood or light).</summary>
internal sealed record TenantPlan(string Name, string Key, string Role)
{
    public const string FloodRole = "flood", LightRole = "light";
}
