namespace Steady.Server.Tests.StatusPage;

/// <summary>Waits (real time, bounded) for what the status page's worker does on its own thread after the clock moves or a change wakes it.</summary>
internal static class StatusWait
{
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, string what, int seconds = 30)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {seconds} s for {what}.");
            await Task.Delay(50);
        }
    }

    public static async Task<T> ForAsync<T>(Func<T?> probe, string what, int seconds = 30)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {seconds} s for {what}.");
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30) =>
        ForAsync<bool>(async () => await condition() ? true : null, what, seconds);
}
