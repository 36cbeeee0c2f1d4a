using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Prometheus;
using Steady.Server.Data;

namespace Steady.Server.Features.Backups;

/// <summary>
/// The one row (<c>backup_state</c>, id 1) about this installation's backups: when the next scheduled one is due,
/// the claim of the node taking it, and how the last ones went. Every node reads it, so /metrics and the console
/// say the same on all of them whichever node took the backup.
/// </summary>
public sealed class BackupState
{
    public const int TheRow = 1;

    public int Id { get; set; } = TheRow;
    public DateTimeOffset? NextDueAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public string? LastFile { get; set; }
    public long? LastBytes { get; set; }
    public DateTimeOffset? LastFailureAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>Failures since the last success.</summary>
    public int Failures { get; set; }

    /// <summary>Steady's own "backup overdue" alert is open (raised once; resolved by the next success).</summary>
    public bool OverdueAlerted { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the last good backup counts as too old: two intervals after it (or after the first start, before any).</summary>
    public DateTimeOffset OverdueAt(TimeSpan interval) => (LastSuccessAt ?? CreatedAt) + 2 * interval;
}

internal sealed class BackupStateMapping : IEntityTypeConfiguration<BackupState>
{
    public void Configure(EntityTypeBuilder<BackupState> e)
    {
        e.ToTable("backup_state");
        e.Property(b => b.Id).ValueGeneratedNever();
    }
}

/// <summary>The backups' Prometheus metrics, read from <see cref="BackupState"/> (so every node shows the installation's last backup).</summary>
public static class BackupMetrics
{
    public static readonly Gauge LastSuccess = Metrics.CreateGauge("steady_backup_last_success_timestamp_seconds",
        "When the last good backup was written (Unix seconds; 0 until this process knows of one).");

    public static readonly Gauge LastSize = Metrics.CreateGauge("steady_backup_last_size_bytes", "The size of the last good backup.");

    public static readonly Counter Failures = Metrics.CreateCounter("steady_backup_failures_total", "Backups this node tried to write and could not.");

    /// <summary>Shows the row's last success, unless this process already knows a newer one (the gauges only move forward).</summary>
    public static void Show(BackupState? state)
    {
        if (state?.LastSuccessAt is not { } at)
            return;
        var seconds = at.ToUnixTimeMilliseconds() / 1000.0;
        lock (LastSuccess)
        {
            if (seconds < LastSuccess.Value)
                return;
            LastSuccess.Set(seconds);
            LastSize.Set(state.LastBytes ?? 0);
        }
    }
}

/// <summary>The one place a backup's outcome is recorded, whoever asked for it (an admin through the API, or the schedule).</summary>
public static class BackupRecords
{
    /// <summary>The row, made on first use (several nodes may make it at once: one insert wins).</summary>
    public static async Task<BackupState> LoadAsync(SteadyDb db, DateTimeOffset now, TimeSpan? interval, CancellationToken cancellationToken)
    {
        if (await db.Set<BackupState>().FirstOrDefaultAsync(b => b.Id == BackupState.TheRow, cancellationToken) is { } state)
            return state;
        // The first scheduled backup comes one interval after the first start (an empty installation has nothing to lose).
        await db.Database.ExecuteSqlRawAsync(interval is null
                ? "INSERT INTO backup_state (id, failures, overdue_alerted, created_at) VALUES ({0}, 0, {1}, {2}) ON CONFLICT (id) DO NOTHING"
                : "INSERT INTO backup_state (id, next_due_at, failures, overdue_alerted, created_at) VALUES ({0}, {3}, 0, {1}, {2}) ON CONFLICT (id) DO NOTHING",
            interval is { } every
                ? [BackupState.TheRow, db.IsSqlite ? 0 : false, db.Param(now), db.Param(now + every)]
                : [BackupState.TheRow, db.IsSqlite ? 0 : false, db.Param(now)], cancellationToken);
        return await db.Set<BackupState>().FirstAsync(b => b.Id == BackupState.TheRow, cancellationToken);
    }

    public static async Task SucceededAsync(SteadyDb db, BackupDto backup, DateTimeOffset now, TimeSpan? interval, CancellationToken cancellationToken)
    {
        var state = await LoadAsync(db, now, interval, cancellationToken);
        state.LastSuccessAt = backup.At;
        state.LastFile = backup.File;
        state.LastBytes = backup.Bytes;
        state.Failures = 0;
        if (interval is { } every)
            state.NextDueAt = backup.At + every; // a steady rhythm: one interval after the last one began
        await db.SaveChangesAsync(cancellationToken);
        BackupMetrics.Show(state);
    }

    public static async Task FailedAsync(SteadyDb db, string error, DateTimeOffset now, DateTimeOffset? retryAt, TimeSpan? interval, CancellationToken cancellationToken)
    {
        BackupMetrics.Failures.Inc();
        db.ChangeTracker.Clear();
        var state = await LoadAsync(db, now, interval, cancellationToken);
        state.LastFailureAt = now;
        state.LastError = error.Length > 500 ? error[..500] + "…" : error;
        state.Failures++;
        if (retryAt is not null)
            state.NextDueAt = retryAt;
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>What the console shows organization admins about backups (the home page's card, the warning banner).</summary>
public sealed record BackupSummary(DateTimeOffset? LastSuccessAt, long? LastBytes, DateTimeOffset? NextDueAt, int Failures, string? LastError, TimeSpan? Interval, bool Overdue)
{
    public static async Task<BackupSummary> LoadAsync(SteadyDb db, BackupOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var interval = options.Interval;
        var state = await db.Set<BackupState>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == BackupState.TheRow, cancellationToken);
        var overdue = interval is { } every && state is not null && now >= state.OverdueAt(every);
        return new BackupSummary(state?.LastSuccessAt, state?.LastBytes, interval is null ? null : state?.NextDueAt, state?.Failures ?? 0, state?.LastError, interval, overdue);
    }

    /// <summary>A size for people: 812 KB, 3.4 MB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.0} GB",
    };
}
