using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Infrastructure;

/// <summary>
/// The one retry-on-concurrent-change loop. Rows carry a version (optimistic concurrency): when someone
/// else (intake, a person, another node) changed what an attempt read before it saved, the attempt is
/// run again from the start — it reads again and decides again — up to <see cref="Attempts"/> times;
/// the last attempt's failure goes to the caller.
/// </summary>
public static class ConcurrentChanges
{
    public const int Attempts = 3;

    /// <summary>
    /// Runs <paramref name="attempt"/> (given its number, from 1) until it completes, running it again
    /// while it fails with an exception <paramref name="retryWhen"/> accepts (by default a
    /// <see cref="DbUpdateConcurrencyException"/>) and attempts are left. <paramref name="retrying"/>
    /// hears each failure that is retried.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<int, Task<T>> attempt, Func<Exception, bool>? retryWhen = null, Action<int, Exception>? retrying = null, int attempts = Attempts)
    {
        retryWhen ??= IsConcurrentChange;
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(number);
            }
            catch (Exception e) when (number < attempts && retryWhen(e))
            {
                retrying?.Invoke(number, e);
            }
        }
    }

    /// <summary>
    /// The same, in one unit of work: each attempt starts with nothing tracked, so it reads the rows as they
    /// are now rather than as the failed attempt left them.
    /// </summary>
    public static Task<T> RetryAsync<T>(this DbContext db, Func<int, Task<T>> attempt, Func<Exception, bool>? retryWhen = null, int attempts = Attempts) =>
        RetryAsync(number =>
        {
            db.ChangeTracker.Clear();
            return attempt(number);
        }, retryWhen, attempts: attempts);

    /// <summary>Someone else saved the row first (its version moved on).</summary>
    public static bool IsConcurrentChange(Exception e) => e is DbUpdateConcurrencyException;
}
