using System.Runtime.InteropServices;

namespace Steady.Server.Infrastructure;

/// <summary>
/// Hands memory the process has freed back to the OS, a minute after start and then every five minutes.
/// Start-up allocates and frees a lot — the JIT compiling some 20,000 methods, EF Core building its model and
/// compiling the workers' queries, SQLite preparing its schema on each pooled connection — and glibc's allocator keeps
/// the freed pages in its arenas, the GC its emptied regions: about 20 MB of a fresh server's resident memory that
/// nothing uses (docs/benchmarks.md, Memory). <c>malloc_trim</c> returns the native pages (about a millisecond; nothing
/// in use is touched); the first pass also collects the managed heap once, aggressively, when it is small (a fresh
/// server's 20–30 MB: one pause of tens of milliseconds; a large heap is left to the GC's own pace rather than paused
/// for). Where the C library is not glibc (no <c>malloc_trim</c>), the first pass finds out and the trimmer stops.
/// </summary>
public sealed partial class NativeMemoryTrimmer(TimeProvider time, ILogger<NativeMemoryTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    /// <summary>Below this the first pass also collects the managed heap once, aggressively.</summary>
    private const long SmallHeap = 64 << 20;

    private int _passes;

    /// <summary>Passes that called <c>malloc_trim</c> (for tests).</summary>
    public int Passes => Volatile.Read(ref _passes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var due = Task.Delay(FirstAfter, time, stoppingToken);
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
            if (Passes == 0 && GC.GetGCMemoryInfo().HeapSizeBytes < SmallHeap)
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
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
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054

    [LoggerMessage(Level = LogLevel.Debug, Message = "The C library has no malloc_trim (not glibc): native memory is left to it")]
    private static partial void LogNoTrim(ILogger logger);
}
