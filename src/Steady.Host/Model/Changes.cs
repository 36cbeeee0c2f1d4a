namespace Steady.Host.Model;

/// <summary>
/// Failed systemd units. Running is false when systemd is not the init system ("systemd not
/// running"); Source says how the units were read.
/// </summary>
public sealed record SystemdReport(bool Running, string? Source, IReadOnlyList<FailedUnit> Failed, string? Note);

public sealed record FailedUnit(string Unit, string Load, string Active, string Sub, string Description);

/// <summary>Package changes in the window, newest first, from /var/log/dpkg.log and /var/log/apt/history.log.</summary>
public sealed record PackagesReport(int WindowDays, int ChangesInWindow, IReadOnlyList<PackageChange> Changes, IReadOnlyList<AptRun> AptRuns, string? Note);

public sealed record PackageChange(DateTimeOffset At, string Action, string Package, string? FromVersion, string? ToVersion);

/// <summary>One apt run from history.log; its command line is redacted.</summary>
public sealed record AptRun(DateTimeOffset StartedAt, string? CommandLine, string? RequestedBy, int Installed, int Upgraded, int Removed);

/// <summary>
/// What the kernel log (/dev/kmsg) still holds that matters in an incident: OOM kills with their
/// victims, hung tasks, I/O and filesystem errors, full tables. Readable is false without CAP_SYSLOG.
/// Messages at or after RecentSince count as recent.
/// </summary>
public sealed record KernelLogReport(bool Readable, string? Note, DateTimeOffset? RecentSince, IReadOnlyList<OomKill> OomKills, IReadOnlyList<KernelEvent> Events);

public sealed record OomKill(DateTimeOffset? At, int Pid, string Process, long? AnonRssBytes);

/// <summary>Messages of one kind: how many the log holds, how many in the recent window, and the last one.</summary>
public sealed record KernelEvent(string Kind, int Count, int Recent, DateTimeOffset? LastAt, string LastMessage);
