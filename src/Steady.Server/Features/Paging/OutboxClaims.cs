using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Core.Paging;
using Steady.Server.Data;

namespace Steady.Server.Features.Paging;

/// <summary>
/// A table of due work that workers claim: how a claim takes rows (names its owner, sets its lease), which rows
/// are due, and how a claim whose owner is gone is released (due again now). The outboxes are
/// <see cref="EscalationRuns"/>, <see cref="Deliveries"/>, <see cref="IncidentNotices"/>, and the status
/// pages' <see cref="StatusBroadcasts"/> (fanned out to subscribers) and <see cref="StatusNotices"/> (sent to them);
/// the follow-up of postmortems and action items (<see cref="PostmortemFollowUps"/>, <see cref="ActionItemFollowUps"/>) is claimed the same way.
/// </summary>
/// <param name="Lease">The SET of a claim: <c>{0}</c> the owner, <c>{1}</c> when its lease runs out.</param>
/// <param name="Due">Which rows a claim may take: <c>{2}</c> now.</param>
/// <param name="Release">The SET that lets go of a claim; <c>@now</c> is now.</param>
/// <param name="Held">The rows that are claimed.</param>
/// <param name="Together">A column naming rows that go together (a message's deliveries): a claim takes such rows only through the first of them.</param>
public sealed record ClaimedTable(string Table, string Lease, string Due, string OrderBy, string Release, string Held, string? Together = null)
{
    /// <summary>Escalation runs: the lease is its own column; let go, a run is due when it was.</summary>
    public static readonly ClaimedTable EscalationRuns = new("escalation_runs",
        Lease: "lease_owner = {0}, lease_until = {1}",
        Due: "next_due_at <= {2} AND (lease_until IS NULL OR lease_until <= {2})",
        OrderBy: "next_due_at",
        Release: "lease_owner = NULL, lease_until = NULL",
        Held: "next_due_at IS NOT NULL AND lease_owner IS NOT NULL");

    /// <summary>Deliveries still to go: the partial index's states.</summary>
    private static readonly string Unsent = string.Join(", ", DeliveryStates.Pending.Select(Text));

    /// <summary>
    /// Deliveries: claimed ones are 'sending', due again (to the next claim) when the lease runs out. The deliveries of one
    /// message (<c>sent_as</c>) are claimed together, through the first of them still to go, so two nodes never send parts
    /// of one message (each under a key of its own).
    /// </summary>
    public static readonly ClaimedTable Deliveries = new("deliveries",
        Lease: $"state = {Text(DeliveryState.Sending)}, lease_owner = {{0}}, due_at = {{1}}",
        Due: $"state IN ({Unsent}) AND due_at <= {{2}} AND (sent_as IS NULL OR NOT EXISTS " +
             $"(SELECT 1 FROM deliveries b WHERE b.sent_as = deliveries.sent_as AND b.id < deliveries.id AND b.state IN ({Unsent})))",
        OrderBy: "due_at",
        Release: "due_at = @now, lease_owner = NULL",
        Held: $"state = {Text(DeliveryState.Sending)} AND lease_owner IS NOT NULL",
        Together: "sent_as");

    /// <summary>Incident messages: due again (to the next claim) when the lease runs out.</summary>
    public static readonly ClaimedTable IncidentNotices = new("incident_notices",
        Lease: "lease_owner = {0}, due_at = {1}",
        Due: "due_at <= {2}",
        OrderBy: "due_at",
        Release: "due_at = @now, lease_owner = NULL",
        Held: "lease_owner IS NOT NULL");

    /// <summary>Status page broadcasts being fanned out to their subscribers: due again (to the next claim) when the lease runs out.</summary>
    public static readonly ClaimedTable StatusBroadcasts = new("status_broadcasts",
        Lease: "lease_owner = {0}, due_at = {1}",
        Due: "due_at <= {2}",
        OrderBy: "due_at",
        Release: "due_at = @now, lease_owner = NULL",
        Held: "lease_owner IS NOT NULL");

    /// <summary>Status page notices to subscribers: due again (to the next claim) when the lease runs out.</summary>
    public static readonly ClaimedTable StatusNotices = new("status_notices",
        Lease: "lease_owner = {0}, due_at = {1}",
        Due: "due_at <= {2}",
        OrderBy: "due_at",
        Release: "due_at = @now, lease_owner = NULL",
        Held: "lease_owner IS NOT NULL");


    /// <summary>Action items whose owner is due a reminder: the lease is its own column; let go, the item is due when it was.</summary>
    public static readonly ClaimedTable ActionItemFollowUps = FollowUps("action_items");

    /// <summary>Postmortems whose owner is due a reminder, as <see cref="ActionItemFollowUps"/>.</summary>
    public static readonly ClaimedTable PostmortemFollowUps = FollowUps("postmortems");

    /// <summary>The scheduled backup (Features/Backups): its one row, claimed by the node that takes the backup; let go, it is due when it was.</summary>
    public static readonly ClaimedTable BackupSchedule = new("backup_state",
        Lease: "lease_owner = {0}, lease_until = {1}",
        Due: "next_due_at <= {2} AND (lease_until IS NULL OR lease_until <= {2})",
        OrderBy: "next_due_at",
        Release: "lease_owner = NULL, lease_until = NULL",
        Held: "lease_owner IS NOT NULL");

    public static readonly IReadOnlyList<ClaimedTable> All = [EscalationRuns, Deliveries, IncidentNotices, StatusBroadcasts, StatusNotices, ActionItemFollowUps, PostmortemFollowUps, BackupSchedule];

    private static ClaimedTable FollowUps(string table) => new(table,
        Lease: "lease_owner = {0}, lease_until = {1}",
        Due: "next_reminder_at <= {2} AND (lease_until IS NULL OR lease_until <= {2})",
        OrderBy: "next_reminder_at",
        Release: "lease_owner = NULL, lease_until = NULL",
        Held: "lease_owner IS NOT NULL");

    /// <summary>A delivery state as a SQL literal: its stored text, as EF writes it.</summary>
    private static string Text(DeliveryState state) => $"'{state.ToWire()}'";

    /// <summary>Claims up to <c>{3}</c> due rows, earliest first; on PostgreSQL skipping rows another node is claiming.</summary>
    public string ClaimSql(bool skipLocked) =>
        $"UPDATE {Table} SET {Lease} WHERE id IN (SELECT id FROM {Table} WHERE {Due} ORDER BY {OrderBy} LIMIT {{3}}{(skipLocked ? DbTime.SkipLocked : "")})";

    /// <summary>After a claim by <c>{0}</c> (lease until <c>{1}</c>): the rows that go together with those it took.</summary>
    public string? TogetherSql() => Together is null ? null :
        $"UPDATE {Table} SET {Lease} WHERE {Together} IN (SELECT {Together} FROM {Table} WHERE lease_owner = {{0}} AND {Together} IS NOT NULL) " +
        $"AND state IN ({Unsent}) AND (lease_owner IS NULL OR lease_owner <> {{0}})";

    /// <summary>Lets go of the claims that <paramref name="owners"/> selects; <paramref name="now"/> is how the statement names now.</summary>
    public string ReleaseSql(string now, string owners) => $"UPDATE {Table} SET {Release.Replace("@now", now, StringComparison.Ordinal)} WHERE {Held} AND {owners}";
}

/// <summary>
/// The one way the engine's workers claim due work, let go of claims, and retry what failed for now: each claim is
/// named after this node (<see cref="EngineNode"/>) and a claim of its own, and held for <c>Steady:Paging:Lease</c>.
/// A pass that fails lets go of its own claims at once (<see cref="LetGoAsync"/>; when the database refuses even that,
/// at the start of the next pass, <see cref="LetGoLeftAsync"/>), so a database blip delays nothing by more than the
/// blip. On SQLite the process starting releases every claim (it holds the file lock, so their owner is dead), on
/// PostgreSQL <see cref="NodePresence"/> releases those of nodes that are gone; the lease is left for a node that
/// stalls while still connected. A retry waits the configured backoff (<c>Steady:Paging:RetryInitial</c>, doubling,
/// capped at <c>RetryCap</c>) until <c>MaxAttempts</c>.
/// </summary>
public sealed partial class OutboxClaims(EngineNode node, IOptionsMonitor<PagingOptions> options, IServiceScopeFactory scopes, TimeProvider time, ILogger<OutboxClaims> logger)
{
    /// <summary>Claims whose pass failed and that could not be let go of yet, by owner.</summary>
    private readonly ConcurrentDictionary<string, (ClaimedTable Table, IReadOnlyList<Guid>? Ids)> _left = new(StringComparer.Ordinal);

    /// <summary>A new claim's owner: this node, and a claim of its own.</summary>
    public string NewOwner() => node.Id + "/" + Guid.NewGuid().ToString("N");

    /// <summary>How long a claim holds.</summary>
    public TimeSpan Lease => options.CurrentValue.Lease;

    /// <summary>
    /// Claims up to <paramref name="limit"/> rows of <paramref name="table"/> due at <paramref name="now"/> for <paramref name="owner"/>
    /// (with the rows that go together with them); returns how many it took through the limit.
    /// </summary>
    public async Task<int> ClaimAsync(SteadyDb db, ClaimedTable table, string owner, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var leaseUntil = db.Param(now + options.CurrentValue.Lease);
        var claimed = await db.Database.ExecuteSqlRawAsync(table.ClaimSql(skipLocked: !db.IsSqlite), [owner, leaseUntil, db.Param(now), limit], cancellationToken);
        // The rest of a message goes with its first delivery. Nobody else claims them: only their first one is ever due.
        if (claimed > 0 && table.TogetherSql() is { } together)
            await db.Database.ExecuteSqlRawAsync(together, [owner, leaseUntil], cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Lets go of what <paramref name="owner"/> still holds of <paramref name="table"/> (only <paramref name="ids"/>, when given):
    /// due again now, to whoever claims first. Never throws: when the database refuses, the next pass lets go of it
    /// (<see cref="LetGoLeftAsync"/>), and failing that the lease runs out.
    /// </summary>
    public async Task LetGoAsync(SteadyDb db, ClaimedTable table, string owner, IReadOnlyList<Guid>? ids = null)
    {
        try
        {
            db.ChangeTracker.Clear();
            await ReleaseAsync(db, table, owner, ids, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogLetGoLater(logger, table.Table, EngineFailures.Describe(e));
            _left[owner] = (table, ids);
        }
    }

    /// <summary>First thing in a pass: lets go of the claims of <paramref name="table"/> that failed passes could not let go of. Throws when the database still refuses.</summary>
    public async Task LetGoLeftAsync(SteadyDb db, ClaimedTable table, CancellationToken cancellationToken)
    {
        foreach (var (owner, (leftTable, ids)) in _left)
        {
            if (leftTable != table)
                continue;
            await ReleaseAsync(db, table, owner, ids, cancellationToken);
            _left.TryRemove(owner, out _);
        }
    }

    private Task<int> ReleaseAsync(SteadyDb db, ClaimedTable table, string owner, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken)
    {
        var which = "lease_owner = {0}";
        List<object> parameters = [owner];
        if (ids is not null)
        {
            if (ids.Count == 0)
                return Task.FromResult(0);
            which += " AND id IN (" + string.Join(", ", ids.Select((_, i) => $"{{{i + 1}}}")) + ")";
            parameters.AddRange(ids.Select(id => db.IsSqlite ? (object)id.ToString().ToUpperInvariant() : id));
        }
        var now = $"{{{parameters.Count}}}";
        var sql = table.ReleaseSql(now, which);
        if (sql.Contains(now, StringComparison.Ordinal))
            parameters.Add(db.Param(time.GetUtcNow()));
        return db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
    }

    /// <summary>
    /// Before a worker's first pass, on SQLite (this process is the only one: it holds the file lock), the claims an
    /// earlier process left are released at once, not when their leases run out. <paramref name="failed"/> hears why
    /// it could not (the leases then run out by themselves).
    /// </summary>
    public async Task ReleaseOnStartAsync(ClaimedTable table, Action<Exception> failed, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            if (!db.IsSqlite)
                return; // PostgreSQL: NodePresence releases the claims of nodes that are gone
            var sql = table.ReleaseSql("{0}", "lease_owner IS NOT NULL");
            await db.Database.ExecuteSqlRawAsync(sql, sql.Contains("{0}", StringComparison.Ordinal) ? [db.Param(time.GetUtcNow())] : [], cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            failed(e);
        }
    }

    /// <summary>When work that failed for now after <paramref name="attempts"/> attempts is tried again, or null when it is to fail for good.</summary>
    public DateTimeOffset? RetryAt(int attempts, DateTimeOffset now, TimeSpan? retryAfter = null)
    {
        var settings = options.CurrentValue;
        return attempts < settings.MaxAttempts ? now + Backoff.After(attempts, settings.RetryInitial, settings.RetryCap, retryAfter) : null;
    }

    [LoggerMessage(EventId = 825, Level = LogLevel.Warning, Message = "Could not let go of a failed pass's claims on {Table} ({Reason}); the next pass does")]
    private static partial void LogLetGoLater(ILogger logger, string table, string reason);
}
