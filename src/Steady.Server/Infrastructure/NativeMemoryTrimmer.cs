using System.Runtime.InteropServices;

namespace Steady.Server.Infrastructure;

/// <summary>
/// Hands memory the process does not use back to the OS, a minute after start and then every minute.
/// <list type="bullet">
/// <item>Native memory: start-up allocates and frees a lot — the JIT compiling some 20,000 methods, EF Core building its
/// model and compiling the workers' queries, SQLite preparing its schema on each pooled connection — and glibc's allocator
/// keeps the freed pages in its arenas. <c>malloc_trim</c> returns them (about a millisecond; nothing in use is touched).
/// Where the C library is not glibc (no <c>malloc_trim</c>), the first pass finds out and the trimmer stops.</item>
/// <item>The managed heap, while the server is quiet: the GC keeps its whole gen0 budget committed (16 MiB here, sized from
/// the CPU's cache), and an idle server's ticks refill it within two minutes of any collection. When the heap is small
/// and the process allocated little since the last pass (<see cref="ShouldCollect"/>), the pass collects it once,
/// aggressively, which returns the emptied regions: one pause of a few tens of milliseconds a minute on a server that
/// has nothing else to do. A busy server is left to the GC's own pace: collecting there would only add pauses, and its
/// memory is in use. This is what JDK's G1 does with <c>G1PeriodicGCInterval</c> (JEP 346), for the same reason.
/// The first pass collects whenever the heap is small: start-up's garbage.</item>
/// </list>
/// </summary>
public sealed partial class NativeMemoryTrimmer(TimeProvider time, ILogger<NativeMemoryTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    /// <summary>Above this the managed heap is left to the GC (a large heap is not paused for).</summary>
    public const long SmallHeap = 64 << 20;

    /// <summary>
    /// At most this much allocated since the last pass (a minute) counts as quiet: an idle server allocates ~12 MB a
    /// minute, intake ~10 KB per alert (so 30 alerts a second is no longer quiet), paging a few MB a minute.
    /// </summary>
    public const long QuietAllocation = 32 << 20;

    private int _passes;
    private int _collections;

    /// <summary>Passes that called <c>malloc_trim</c> (for tests).</summary>
    public int Passes => Volatile.Read(ref _passes);

    /// <summary>Passes that also collected the managed heap (for tests).</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>Whether a pass collects the managed heap: on a small heap, at the first pass or when little was allocated since the last one.</summary>
    public static bool ShouldCollect(bool firstPass, long heapBytes, long allocatedSinceLastPass) =>
        heapBytes < SmallHeap && (firstPass || allocatedSinceLastPass <= QuietAllocation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var due = Task.Delay(FirstAfter, time, stoppingToken);
        var allocated = GC.GetTotalAllocatedBytes();
        while (true)
        {
            try
            {
                await due;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            due = Task.Delay(Every, time, stoppingToken); // timed from this pass, set before it counts (tests wait for the count)
            var now = GC.GetTotalAllocatedBytes();
            if (ShouldCollect(Passes == 0, GC.GetGCMemoryInfo().HeapSizeBytes, now - allocated))
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                Interlocked.Increment(ref _collections);
            }
            allocated = GC.GetTotalAllocatedBytes();
            try
            {
                MallocTrim(0);
                Interlocked.Increment(ref _passes);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                LogNoTrim(logger);
                return;
            }
        }
    }

    // DllImport, not LibraryImport: an int and a pointer-sized integer need no marshalling, and the server project
    // stays without unsafe code.
#pragma warning disable SYSLIB1054
    /// <summary>Hands the C library's free pages back to the OS; false where there is no <c>malloc_trim</c> (not glibc, not Linux).</summary>
    public static bool TrimNative()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054

    [LoggerMessage(Level = LogLevel.Debug, Message = "The C library has no malloc_trim (not glibc): native memory is left to it")]
    private static partial void LogNoTrim(ILogger logger);
}
