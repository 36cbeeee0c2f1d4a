using System.Runtime.InteropServices;

namespace Steady.Server.Infrastructure;

/// <summary>
/// The CPU time the calling thread has used, for metrics that say where a busy worker's time goes (wall time
/// cannot: on a shared machine it counts the time the thread waited for a core). Linux only
/// (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>); elsewhere <see cref="Available"/> is false and nothing is measured.
/// </summary>
public static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool Available { get; } = OperatingSystem.IsLinux();

    /// <summary>Nanoseconds of CPU the calling thread has used; 0 where it cannot be read.</summary>
    public static long Nanoseconds()
    {
        if (!Available || ClockGetTime(ClockThreadCpuTimeId, out var now) != 0)
            return 0;
        return now.Seconds * 1_000_000_000 + now.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
