namespace Steady.Host.Model;

/// <summary>
/// One capture of a host: findings first, then the data they came from. Serialized as the
/// versioned JSON document "steady.snapshot/v1" (see README.md); fields are only ever added.
/// A section is null when its step failed or did not answer in time (see <see cref="Steps"/>).
/// </summary>
public sealed record Snapshot
{
    public const string SchemaV1 = "steady.snapshot/v1";

    public string Schema { get; init; } = SchemaV1;

    public required HostReport Host { get; init; }

    /// <summary>When the first sample was taken.</summary>
    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>Seconds between the two samples that rates and utilisation are computed over.</summary>
    public required double IntervalSeconds { get; init; }

    /// <summary>Wall seconds the whole snapshot took.</summary>
    public double ElapsedSeconds { get; init; }

    public IReadOnlyList<Finding> Findings { get; init; } = [];

    public IReadOnlyList<StepReport> Steps { get; init; } = [];

    public CpuReport? Cpu { get; init; }

    public MemoryReport? Memory { get; init; }

    public PressureReport? Pressure { get; init; }

    public IReadOnlyList<DiskReport>? Disks { get; init; }

    public FilesystemsReport? Filesystems { get; init; }

    public ProcessesReport? Processes { get; init; }

    public DeletedFilesReport? DeletedFiles { get; init; }

    public SocketsReport? Sockets { get; init; }

    public NetworkReport? Network { get; init; }

    public SystemdReport? Systemd { get; init; }

    public PackagesReport? Packages { get; init; }

    public KernelLogReport? KernelLog { get; init; }

    public JournalReport Journal { get; init; } = JournalReport.NotCollected;
}

public sealed record HostReport(string Hostname, string? Os, string? Kernel, DateTimeOffset? BootedAt, double? UptimeSeconds, int Cpus, string Root);

/// <summary>
/// How one collection step went: "complete", "partial" (it ran past its budget or could not read
/// everything; its data is what it had), or "failed" (no data; the note says why).
/// </summary>
public sealed record StepReport(string Name, string Status, double ElapsedMs, double BudgetMs, string? Note)
{
    public const string Complete = "complete";
    public const string Partial = "partial";
    public const string Failed = "failed";
}

/// <summary>
/// One interpretation of the data: a sentence a responder can act on, its severity ("critical",
/// "warning", "info"), the area it is about, and the evidence it rests on.
/// </summary>
public sealed record Finding(string Severity, string Area, string Text, IReadOnlyList<string> Evidence)
{
    public const string Critical = "critical";
    public const string Warning = "warning";
    public const string Info = "info";
}

/// <summary>A kernel counter: its value since boot and how much it grew between the two samples.</summary>
public sealed record Counter(long SinceBoot, long? InWindow);

/// <summary>
/// Service starts, stops, failures, restarts and OOM kills in the journal's last hour (systemd's
/// unit messages, by MESSAGE_ID). Collected is false where there is no journal to read (Note says
/// why); Source says which reader read it.
/// </summary>
public sealed record JournalReport(bool Collected, string? Note, string? Source, DateTimeOffset? Since, IReadOnlyList<UnitActivity> Units)
{
    public static readonly JournalReport NotCollected = new(false, "the journal step did not run", null, null, []);

    public static JournalReport Missing(string note) => new(false, note, null, null, []);
}

/// <summary>What systemd said about one unit in the window, and its last message.</summary>
public sealed record UnitActivity(string Unit, int Starts, int Stops, int Failures, int Restarts, int OomKills, DateTimeOffset LastAt, string LastMessage);
