using Steady.Host.Collect;
using Steady.Host.Findings;
using Steady.Host.Model;

namespace Steady.Host;

/// <summary>What a snapshot reads, how long it waits and may take, and what it calls a problem.</summary>
public sealed record SnapshotOptions
{
    /// <summary>The host's files: the running host by default, or a fixture tree.</summary>
    public IHostFiles Files { get; init; } = new HostFiles("/");

    /// <summary>Clock for timestamps, elapsed times and step budgets.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The time between the two samples; rates and utilisation are over it.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How the snapshot waits out the interval; tests replace it so they do not sleep (and can change the fixture).</summary>
    public Func<TimeSpan, CancellationToken, Task>? Wait { get; init; }

    /// <summary>The budget of a step without its own entry in <see cref="Budgets"/>.</summary>
    public TimeSpan DefaultBudget { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Budgets per step name (see <see cref="Steps"/>).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Budgets { get; init; } = Steps.DefaultBudgets;

    /// <summary>
    /// Runs systemctl for failed units, given the time it may take, and returns its output (null:
    /// it did not answer in time). When not set, the real systemctl runs, and only when the root is "/".
    /// </summary>
    public Func<TimeSpan, string?>? Systemctl { get; init; }

    /// <summary>What an earlier snapshot saw of the filesystems, for growth.</summary>
    public FilesystemHistory? FilesystemHistory { get; init; }

    /// <summary>The zone the host writes its logs in (dpkg.log, history.log).</summary>
    public TimeZoneInfo LogTimeZone { get; init; } = TimeZoneInfo.Local;

    public Thresholds Thresholds { get; init; } = new();

    /// <summary>How many processes each top list shows.</summary>
    public int TopProcesses { get; init; } = 10;

    /// <summary>How many deleted files, and holders of them, are listed (largest first).</summary>
    public int TopDeletedFiles { get; init; } = 20;

    public SocketLimits Sockets { get; init; } = new();

    /// <summary>How far back package changes are listed.</summary>
    public int PackageWindowDays { get; init; } = 7;

    /// <summary>Kernel messages this recent count as "recent" (OOM kills in the last 10 minutes, ...).</summary>
    public TimeSpan KernelRecent { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How the journal is read (sd-journal when libsystemd loads, else journalctl).</summary>
    public Func<Journal.JournalReader> Journal { get; init; } = Steady.Host.Journal.JournalReader.Default;

    /// <summary>How far back service starts, stops, failures and restarts are read from the journal.</summary>
    public TimeSpan JournalWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>This process, left out of the top lists (its own reading is not the host's load).</summary>
    public int SelfPid { get; init; } = Environment.ProcessId;

    /// <summary>Bytes per page, for the RSS in /proc/PID/stat and swap pages in /proc/vmstat.</summary>
    public long PageSize { get; init; } = Environment.SystemPageSize;

    /// <summary>Clock ticks per second of the CPU times in /proc/PID/stat.</summary>
    public long TicksPerSecond { get; init; } = Native.Libc.ClockTicks;
}

/// <summary>The names of the collection steps, as they appear in a snapshot's "steps".</summary>
public static class Steps
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string Pressure = "pressure";
    public const string Disks = "disks";
    public const string Network = "network";
    public const string ProcessSample = "process-sample";
    public const string OpenFiles = "open-files";
    public const string Processes = "processes";
    public const string Filesystems = "filesystems";
    public const string Sockets = "sockets";
    public const string Systemd = "systemd";
    public const string Packages = "packages";
    public const string KernelLog = "kernel-log";
    public const string Host = "host";
    public const string Journal = "journal";

    public static readonly IReadOnlyDictionary<string, TimeSpan> DefaultBudgets = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        [ProcessSample] = TimeSpan.FromMilliseconds(400),
        [OpenFiles] = TimeSpan.FromMilliseconds(500),
        [Filesystems] = TimeSpan.FromMilliseconds(500),
        [Sockets] = TimeSpan.FromMilliseconds(400),
        [Systemd] = TimeSpan.FromMilliseconds(1000),
        [Journal] = TimeSpan.FromMilliseconds(500),
    };
}
