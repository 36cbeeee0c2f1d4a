using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Steady.Server.Data;

/// <summary>
/// How a SQLite connection waits for the one write lock another connection holds: it tries again every millisecond,
/// for up to <see cref="Timeout"/>. SQLite's own wait (what <c>PRAGMA busy_timeout</c> installs) backs off — it sleeps 1,
/// 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms between tries — so a writer that found the lock held woke up to
/// 25-100 ms after it was free, and while other writers kept taking it (the intake writer commits every few
/// milliseconds under load) it could miss it several times running. Measured: the escalation worker's claim on a run
/// waited 53, 78 and 103 ms (1+2+5+10+15+20, +25, +25: the schedule's sums) before it paged, in one probe in a hundred
/// (docs/benchmarks.md, Paging). Waiting a millisecond at a time costs a woken thread per millisecond while the lock is
/// held, a few milliseconds at a time.
/// </summary>
internal static class SqliteBusyWait
{
    /// <summary>As long as <c>PRAGMA busy_timeout</c> waited: then the statement fails with "database is locked".</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>When the current wait for the lock began, on this thread (SQLite calls the handler on the thread running the statement).</summary>
    [ThreadStatic]
    private static long _waitingSince;

    /// <summary>Kept for the life of the process: SQLite calls it through the pointer made for it.</summary>
    private static readonly BusyHandler Handler = Busy;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr argument, int count);

    public static void Install(SqliteConnection connection)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = sqlite3_busy_handler(handle.DangerousGetHandle(), Handler, IntPtr.Zero);
        if (rc != 0)
            throw new InvalidOperationException($"sqlite3_busy_handler failed ({rc}).");
    }

    /// <summary>SQLite's busy handler: nonzero to try again, zero to give up (the statement then fails with SQLITE_BUSY).</summary>
    private static int Busy(IntPtr argument, int count)
    {
        if (count == 0)
            _waitingSince = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_waitingSince) >= Timeout)
            return 0;
        Thread.Sleep(1);
        return 1;
    }

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(IntPtr db, BusyHandler handler, IntPtr argument);
}
