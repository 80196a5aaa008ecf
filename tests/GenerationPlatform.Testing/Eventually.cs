namespace GenerationPlatform.Testing;

/// <summary>
/// Waiting for something that happens on its own (a job ending, a reservation freed): the probe is asked
/// again until the condition holds or the time is up, then the failure says what was awaited and what
/// was seen last. One helper instead of a hand-written polling loop in every test.
/// </summary>
public static class Eventually
{
    /// <summary>The probe's first value that satisfies <paramref name="done"/>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var until = DateTime.UtcNow + timeout;
        var pause = interval ?? TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: not so after {timeout} (last seen: {value})");
            await Task.Delay(pause);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        UntilAsync(condition, ok => ok, timeout, what, interval);
}
