using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Alerts;
using Steady.Server.Features.Intake;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Backups;

/// <summary>
/// Scheduled backups (<c>Steady:Backup:Schedule</c>): when the next backup is due (<see cref="BackupState.NextDueAt"/>),
/// one node claims the row through <see cref="OutboxClaims"/> (a lease kept while it writes; a dead node's claim is let go
/// by <see cref="NodePresence"/>, on SQLite by the next start), writes the backup with <see cref="BackupFiles"/>, records the
/// outcome (<see cref="BackupRecords"/>); every node then deletes Steady's backups beyond <c>Keep</c> and <c>MaxAge</c> from its own folder (<see cref="PruneOwnFolder"/>). A failure is
/// tried again after a quarter of the interval (at most an hour). When the last good backup is older than two intervals
/// Steady raises an alert of its own on <c>Steady:Backup:AlertService</c> through intake, like a missed heartbeat, so it
/// pages that service's on-call person; the next good backup resolves it.
/// </summary>
public sealed partial class BackupWorker(
    IServiceScopeFactory scopes,
    BackupFiles files,
    OutboxClaims claims,
    IntakeQueue queue,
    IOptions<BackupOptions> options,
    WakeSignal<BackupWorker> signal,
    TimeProvider time,
    ILogger<BackupWorker> logger) : DueTimeWorker<BackupWorker>(signal, time, logger)
{
    /// <summary>The dedup key of Steady's own alert about its backups.</summary>
    public const string OverdueKey = "steady-backup-overdue";

    /// <summary>How soon a node looks again at a due backup that another node holds.</summary>
    private static readonly TimeSpan RecheckHeld = TimeSpan.FromSeconds(5);

    /// <summary>A setting the operator got wrong stops the server at start, in one line.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        options.Value.Validate();
        return base.StartAsync(cancellationToken);
    }

    protected override Task StartingAsync(CancellationToken cancellationToken) =>
        claims.ReleaseOnStartAsync(ClaimedTable.BackupSchedule, e => LogReleaseFailed(logger, e), cancellationToken);

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // SQLite's "async" calls complete synchronously: never hold up the host's start
        var settings = options.Value;
        var interval = settings.Interval;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var now = Time.GetUtcNow();
        var state = await BackupRecords.LoadAsync(db, now, interval, cancellationToken);
        BackupMetrics.Show(state);
        if (interval is not { } every)
            return null; // off: the sweep keeps /metrics current with backups taken through the API
        if (state.NextDueAt is null || state.NextDueAt > now + every)
        {
            // Switched on, or the interval shortened: the next backup comes within one interval from now.
            state.NextDueAt = now + every;
            await db.SaveChangesAsync(cancellationToken);
        }
        if (state.NextDueAt <= now)
            await TakeAsync(db, settings, every, now, cancellationToken);
        db.ChangeTracker.Clear();
        state = await db.Set<BackupState>().AsNoTracking().FirstAsync(b => b.Id == BackupState.TheRow, cancellationToken);
        BackupMetrics.Show(state);
        PruneOwnFolder(settings, state);
        await AlertAsync(db, state, settings, every, Time.GetUtcNow(), cancellationToken);
        // Wake for the next backup, or for the alert when it comes first; a backup another node is writing is looked at
        // again shortly (if that node dies, its claim is let go and this node takes the backup).
        now = Time.GetUtcNow();
        var next = state.NextDueAt is { } due && due > now ? due : now + RecheckHeld;
        return !state.OverdueAlerted && state.OverdueAt(every) is var overdueAt && overdueAt > now && overdueAt < next ? overdueAt : next;
    }

    /// <summary>Claims the due backup (another node may have it: then nothing to do) and takes it.</summary>
    private async Task TakeAsync(SteadyDb db, BackupOptions settings, TimeSpan every, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owner = claims.NewOwner();
        if (await claims.ClaimAsync(db, ClaimedTable.BackupSchedule, owner, now, 1, cancellationToken) == 0)
            return;
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hold = HoldAsync(owner, holding.Token);
        try
        {
            var backup = await files.WriteAsync(cancellationToken);
            await BackupRecords.SucceededAsync(db, backup, Time.GetUtcNow(), every, cancellationToken);
            LogWritten(logger, backup.File, backup.Bytes);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stopped the backup (a missing tool, a full disk, the database away), it is tried again after a
            // while, not at the next pass a second later: a failing backup must not run in a loop.
            LogFailed(logger, e.Message);
            var retry = TimeSpan.FromTicks(Math.Min(every.Ticks / 4, TimeSpan.FromHours(1).Ticks));
            await BackupRecords.FailedAsync(db, e.Message, Time.GetUtcNow(), Time.GetUtcNow() + retry, every, cancellationToken);
        }
        finally
        {
            await holding.CancelAsync();
            await hold;
            await claims.LetGoAsync(db, ClaimedTable.BackupSchedule, owner);
        }
    }

    /// <summary>
    /// Retention runs on every node over its own backup folder, each time the database records a newer good backup than
    /// this node last pruned for (whichever node wrote it): with a folder per node, old files are pruned on every node,
    /// not only on the one that happened to write last; with a shared folder, every node prunes the same files (harmless).
    /// </summary>
    private void PruneOwnFolder(BackupOptions settings, BackupState state)
    {
        if (state.LastSuccessAt is not { } newest || newest == _prunedFor)
            return;
        try
        {
            foreach (var deleted in files.Prune(settings.Keep, settings.MaxAgeInterval, Time.GetUtcNow(), newest))
                LogPruned(logger, deleted);
            _prunedFor = newest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogPruneFailed(logger, e.Message); // tried again at the next pass
        }
    }

    /// <summary>The last good backup (from the database) this node's folder was pruned for.</summary>
    private DateTimeOffset? _prunedFor;

    /// <summary>Keeps the claim's lease from running out while a long backup is written (another node would take it again).</summary>
    private async Task HoldAsync(string owner, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(claims.Lease / 3, Time, cancellationToken);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
                var until = Time.GetUtcNow() + claims.Lease;
                await db.Set<BackupState>().Where(b => b.LeaseOwner == owner).ExecuteUpdateAsync(u => u.SetProperty(b => b.LeaseUntil, until), cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || EngineFailures.IsTransient(e))
        {
            // done, or the database away: the lease runs out by itself
        }
    }

    /// <summary>Raises Steady's own alert when the last good backup is too old, and resolves it after the next one.</summary>
    private async Task AlertAsync(SteadyDb db, BackupState state, BackupOptions settings, TimeSpan every, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var overdue = now >= state.OverdueAt(every);
        if (overdue == state.OverdueAlerted || string.IsNullOrWhiteSpace(settings.AlertService))
            return;
        var name = settings.AlertService.Trim();
        var serviceId = await db.Services.AsNoTracking().Where(s => s.Name == name).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (serviceId is null)
        {
            LogNoService(logger, name);
            return;
        }
        var labels = new Dictionary<string, string> { ["steady"] = "backup" };
        var summary = overdue
            ? state.LastSuccessAt is { } last
                ? $"Steady's last good backup is from {last.UtcDateTime:yyyy-MM-dd HH:mm} UTC (expected every {Describe(every)})" + (state.LastError is { } error ? $"; the last attempt failed: {error}" : "")
                : $"Steady has no good backup (expected every {Describe(every)})" + (state.LastError is { } firstError ? $"; the last attempt failed: {firstError}" : "")
            : "Steady's backups are current again";
        var alert = new IncomingAlert(overdue ? IntakeAction.Trigger : IntakeAction.Resolve, OverdueKey, summary, Severity.Critical, "steady", labels,
            "See docs/operations.md#backups: the backup folder, pg_dump on PATH, free space.", [], null, "steady");
        if (await queue.SubmitAsync([new ServiceEvent(serviceId.Value, alert)]) != IntakeResult.Stored)
            return; // intake full or storage away: the next pass tries again (the dedup key folds repeats)
        await db.Set<BackupState>().Where(b => b.Id == BackupState.TheRow && b.OverdueAlerted != overdue)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.OverdueAlerted, overdue), cancellationToken);
    }

    private static string Describe(TimeSpan every) =>
        every.TotalDays >= 1 && every.TotalDays == Math.Floor(every.TotalDays) ? $"{every.TotalDays:0} d"
        : every.TotalHours >= 1 && every.TotalHours == Math.Floor(every.TotalHours) ? $"{every.TotalHours:0} h" : $"{every.TotalMinutes:0} min";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Scheduled backup written: {File} ({Bytes} bytes)")]
    private static partial void LogWritten(ILogger logger, string file, long bytes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Old backup deleted (Steady:Backup:Keep / MaxAge): {File}")]
    private static partial void LogPruned(ILogger logger, string file);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Could not delete old backups (Steady:Backup:Keep / MaxAge): {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Scheduled backup failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Steady:Backup:AlertService names no service ('{Service}'): the backup-overdue alert has nowhere to go")]
    private static partial void LogNoService(ILogger logger, string service);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Could not take back the backup claim an earlier process held; it is let go when its lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
