using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Core.Paging;
using Steady.Server.Data;

namespace Steady.Server.Features.Paging;

/// <summary>
/// A table of due work that workers claim: how a claim takes rows (names its owner, sets its lease), which rows
/// are due, and how a claim whose owner is gone is released (due again now). The three outboxes are
/// <see cref="EscalationRuns"/>, <see cref="Deliveries"/> and <see cref="IncidentNotices"/>; the follow-up of
/// postmortems and action items (<see cref="PostmortemFollowUps"/>, <see cref="ActionItemFollowUps"/>) is claimed the same way.
/// </summary>
/// <param name="Lease">The SET of a claim: <c>{0}</c> the owner, <c>{1}</c> when its lease runs out.</param>
/// <param name="Due">Which rows a claim may take: <c>{2}</c> now.</param>
/// <param name="Release">The SET that lets go of a claim; <c>@now</c> is now.</param>
/// <param name="Held">The rows that are claimed.</param>
public sealed record ClaimedTable(string Table, string Lease, string Due, string OrderBy, string Release, string Held)
{
    /// <summary>Escalation runs: the lease is its own column; let go, a run is due when it was.</summary>
    public static readonly ClaimedTable EscalationRuns = new("escalation_runs",
        Lease: "lease_owner = {0}, lease_until = {1}",
        Due: "next_due_at <= {2} AND (lease_until IS NULL OR lease_until <= {2})",
        OrderBy: "next_due_at",
        Release: "lease_owner = NULL, lease_until = NULL",
        Held: "next_due_at IS NOT NULL AND lease_owner IS NOT NULL");

    /// <summary>Deliveries: claimed ones are 'sending', due again (to the next claim) when the lease runs out.</summary>
    public static readonly ClaimedTable Deliveries = new("deliveries",
        Lease: $"state = {Text(DeliveryState.Sending)}, lease_owner = {{0}}, due_at = {{1}}",
        Due: $"state IN ({string.Join(", ", DeliveryStates.Pending.Select(Text))}) AND due_at <= {{2}}",
        OrderBy: "due_at",
        Release: "due_at = @now, lease_owner = NULL",
        Held: $"state = {Text(DeliveryState.Sending)} AND lease_owner IS NOT NULL");

    /// <summary>Incident messages: due again (to the next claim) when the lease runs out.</summary>
    public static readonly ClaimedTable IncidentNotices = new("incident_notices",
        Lease: "lease_owner = {0}, due_at = {1}",
        Due: "due_at <= {2}",
        OrderBy: "due_at",
        Release: "due_at = @now, lease_owner = NULL",
        Held: "lease_owner IS NOT NULL");

    /// <summary>Action items whose owner is due a reminder: the lease is its own column; let go, the item is due when it was.</summary>
    public static readonly ClaimedTable ActionItemFollowUps = FollowUps("action_items");

    /// <summary>Postmortems whose owner is due a reminder, as <see cref="ActionItemFollowUps"/>.</summary>
    public static readonly ClaimedTable PostmortemFollowUps = FollowUps("postmortems");

    public static readonly IReadOnlyList<ClaimedTable> All = [EscalationRuns, Deliveries, IncidentNotices, ActionItemFollowUps, PostmortemFollowUps];

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

    /// <summary>Lets go of the claims that <paramref name="owners"/> selects; <paramref name="now"/> is how the statement names now.</summary>
    public string ReleaseSql(string now, string owners) => $"UPDATE {Table} SET {Release.Replace("@now", now, StringComparison.Ordinal)} WHERE {Held} AND {owners}";
}

/// <summary>
/// The one way the engine's workers claim due work, let go of a dead process's claims, and retry what failed
/// for now: each claim is named after this node (<see cref="EngineNode"/>) and held for <c>Steady:Paging:Lease</c>;
/// on SQLite the process starting releases every claim (it holds the file lock, so their owner is dead), on
/// PostgreSQL <see cref="NodePresence"/> releases those of nodes that are gone; a retry waits the configured
/// backoff (<c>Steady:Paging:RetryInitial</c>, doubling, capped at <c>RetryCap</c>) until <c>MaxAttempts</c>.
/// </summary>
public sealed class OutboxClaims(EngineNode node, IOptionsMonitor<PagingOptions> options, IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>A new claim's owner: this node, and a claim of its own.</summary>
    public string NewOwner() => node.Id + "/" + Guid.NewGuid().ToString("N");

    /// <summary>Claims up to <paramref name="limit"/> rows of <paramref name="table"/> due at <paramref name="now"/> for <paramref name="owner"/>; returns how many.</summary>
    public Task<int> ClaimAsync(SteadyDb db, ClaimedTable table, string owner, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(table.ClaimSql(skipLocked: !db.IsSqlite),
            [owner, db.Param(now + options.CurrentValue.Lease), db.Param(now), limit], cancellationToken);

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
}
