using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Steady.Server.Features.Reports;

/// <summary>
/// Where the report worker process (<see cref="ReportWorkerProcess"/>) computes reports: one at a time, in order of asking,
/// on a thread of its own whose CPU priority is lowered (on Linux its nice value is raised by <see cref="Nice"/>; the
/// server starts the whole worker at that nice value too), with the scratch tallies kept between reports. A report over a
/// year reads a million rows for one to two seconds of CPU; a report asked for while another is computed waits its turn;
/// one whose reader went away before its turn is never computed. On PostgreSQL the database does the reading; what a
/// report awaits there resumes on the thread pool. On SQLite a report's passes over the whole alerts table are read in
/// parts at once, the others on the thread pool (<see cref="ReportRows.ReadInPartsAsync"/>): the worker's threads all run
/// at the worker's nice value.
/// </summary>
public sealed class ReportRunner : IDisposable
{
    /// <summary>The nice value of the reports' thread: ten steps below the rest of the server (a tenth of its CPU weight).</summary>
    public const int Nice = 10;

    /// <summary>How long the reports' scratch tallies are kept after the last report (then dropped, and the heap collected once).</summary>
    public static readonly TimeSpan KeepScratch = TimeSpan.FromMinutes(2);

    private readonly BlockingCollection<Action> _queue = [];
    private readonly Thread _thread;
    /// <summary>The scratch tallies kept, each with how to ask its size.</summary>
    private readonly Dictionary<Type, (object Tally, Func<int> Size)> _scratch = [];
    /// <summary>How large each kind of scratch tally was when it was last dropped.</summary>
    private readonly Dictionary<Type, int> _lastSizes = [];
    private readonly ITimer _idle;
    /// <summary>Counts the reports computed: a drop queued before the last of them is stale.</summary>
    private int _reports;
    private int _dropped;
    private readonly Action? _release;

    /// <param name="release">Lets go of what the process keeps for reports besides the tallies (the worker's pooled connections), as they are dropped.</param>
    public ReportRunner(TimeProvider time, Action? release = null)
    {
        _release = release;
        _idle = time.CreateTimer(_ => QueueDrop(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _thread = new Thread(Run) { IsBackground = true, Name = "Steady reports" };
        _thread.Start();
    }

    /// <summary>Times the scratch tallies were dropped after <see cref="KeepScratch"/> without a report (for tests).</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Computes <paramref name="report"/> on the reports' thread when its turn comes; cancelled before then, it is dropped.</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> report, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = 0; // 0 waiting, 1 started, 2 dropped
        // Once started it runs to its end (or notices the cancellation itself): its caller's scope, and the database
        // context in it, must outlive it, so the caller is never answered before.
        var registration = cancellationToken.Register(() =>
        {
            if (Interlocked.CompareExchange(ref state, 2, 0) == 0)
                done.TrySetCanceled(cancellationToken);
        });
        _queue.Add(() =>
        {
            if (Interlocked.CompareExchange(ref state, 1, 0) != 0)
                return;
            try
            {
                var result = report(cancellationToken).GetAwaiter().GetResult();
                Computed();
                done.TrySetResult(result);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Computed();
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                Computed();
                done.TrySetException(e);
            }
            finally
            {
                registration.Dispose();
            }
        }, CancellationToken.None); // queued even when cancelled meanwhile: it is then dropped at its turn
        return done.Task;
    }

    /// <summary>
    /// The report's scratch tally of type <typeparamref name="T"/> (made by <paramref name="make"/> the first time), the same one
    /// for every report computed here until none was asked for in <see cref="KeepScratch"/>: a report over a year fills tables
    /// of hundreds of thousands of entries, and allocating them anew each time made the garbage collector stop the whole
    /// server (intake and paging with it) for a full collection at nearly every report. Only a report being computed here
    /// may call it (one at a time); it clears what it takes.
    /// </summary>
    public T Scratch<T>(Func<T> make) where T : class => Scratch(_ => make(), _ => 0);

    /// <summary>
    /// <see cref="Scratch{T}(Func{T})"/> for a tally that can be made with room for what it will hold: <paramref name="make"/> is
    /// given the <paramref name="size"/> of the last one dropped (0 the first time), so a report after two idle minutes
    /// does not grow its tables of hundreds of thousands of entries from empty (which allocated them over and over, a
    /// hundred megabytes a report, and made it half a second slower).
    /// </summary>
    public T Scratch<T>(Func<int, T> make, Func<T, int> size) where T : class
    {
        lock (_scratch)
        {
            if (_scratch.TryGetValue(typeof(T), out var kept))
                return (T)kept.Tally;
            var made = make(_lastSizes.GetValueOrDefault(typeof(T)));
            _scratch[typeof(T)] = (made, () => size(made));
            return made;
        }
    }

    public void Dispose()
    {
        _idle.Dispose();
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    /// <summary>
    /// A report was computed (on the runner's thread): the scratch is kept <see cref="KeepScratch"/> from now. Called before
    /// its caller is answered, so the two minutes never start after a clock the caller moves next.
    /// </summary>
    private void Computed()
    {
        Interlocked.Increment(ref _reports);
        _idle.Change(KeepScratch, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The idle timer fired: the drop runs on the runner's thread, after any report queued before it (which makes it stale).</summary>
    private void QueueDrop()
    {
        var reports = Volatile.Read(ref _reports);
        try
        {
            _queue.TryAdd(() =>
            {
                if (Volatile.Read(ref _reports) == reports)
                    DropScratch();
            });
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // the runner is being disposed
        }
    }

    /// <summary>
    /// Lets the scratch tallies go and collects the heap once, aggressively: they are hundreds of megabytes (a year's
    /// tables), garbage from now on, and a process that is otherwise quiet may not collect for a long time — it held them,
    /// 650-800 MB of resident memory, long after anyone looked at a report. The pause is the worker's own. The pooled
    /// database connections go too (each SQLite connection keeps a page cache of up to 32 MiB, filled by a year's
    /// reads), and the C library's free pages are handed back: the idle worker kept 226 MB without these two.
    /// </summary>
    private void DropScratch()
    {
        lock (_scratch)
        {
            if (_scratch.Count == 0)
                return;
            foreach (var (type, kept) in _scratch)
                _lastSizes[type] = kept.Size();
            _scratch.Clear();
        }
        _release?.Invoke();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Infrastructure.NativeMemoryTrimmer.TrimNative();
        Interlocked.Increment(ref _dropped);
    }

    private void Run()
    {
        LowerPriority();
        try
        {
            foreach (var work in _queue.GetConsumingEnumerable())
                work();
        }
        catch (InvalidOperationException) when (_queue.IsAddingCompleted)
        {
        }
    }

    /// <summary>Linux schedules threads, and a thread's nice value is its own; .NET's thread priorities do nothing there.</summary>
    private static void LowerPriority()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = setpriority(0 /* PRIO_PROCESS: a thread id here means that thread */, gettid(), Nice);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
