using System.Data.Common;
using Npgsql;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Paging;

/// <summary>
/// On PostgreSQL, a node is alive while its session holds its presence lock (an advisory lock keyed by
/// <see cref="EngineNode.Number"/>, on a connection of its own, for the life of the process). When a node
/// dies, even by SIGKILL, PostgreSQL ends its session and the lock goes with it: from then on, its claims
/// on escalation runs, on pages being sent and on incident messages being sent are released by the next node that looks — at its start
/// (before its workers run) and every <see cref="Interval"/> — instead of waiting out their lease. The
/// lease (<c>Steady:Paging:Lease</c>) remains for a node that hangs while still connected. On SQLite the
/// process holds the file lock and the workers release a predecessor's claims themselves.
/// When the database went away (a restart, a failover), every node's session ended with it: a node that has just
/// come back releases nobody's claims for <see cref="Grace"/>, the time the others need to come back too — or it
/// would take the pages they are still sending (and send them again).
/// Each look also reads the schema's version: a node whose database was upgraded by a newer Steady beneath it
/// stops (exit code 1), so two schema versions never process together (<see cref="Migrator.TooNew"/>).
/// </summary>
public sealed partial class NodePresence(
    EngineNode node,
    DatabaseInfo database,
    ServerExit exit,
    IHostApplicationLifetime lifetime,
    WakeSignal<EscalationWorker> escalations,
    WakeSignal<DeliveryWorker> deliveries,
    WakeSignal<Features.Incidents.IncidentWorker> incidents,
    TimeProvider time,
    ILogger<NodePresence> logger) : BackgroundService
{
    /// <summary>The advisory lock class of presence locks: (this, node number). "Stdy".</summary>
    internal const int LockClass = 0x53746479;

    /// <summary>How often a node looks for claims of nodes that are gone: paging resumes well within 5 s of a node's death.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>After its session was lost and found again, how long a node waits before it takes anybody's claims: two looks and then some.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>The presence locks held in this database.</summary>
    private static readonly string PresenceLocks = "FROM pg_locks l JOIN pg_database d ON d.oid = l.database " +
        $"WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.classid = {LockClass}::oid AND l.objsubid = 2 AND l.granted";

    /// <summary>The node numbers whose presence lock is held in this database, as the prefix their claims carry.</summary>
    private static readonly string LiveNodes = "SELECT 'node-' || l.objid::text " + PresenceLocks;

    /// <summary>How many nodes are alive on this database (for /metrics).</summary>
    internal static readonly string CountLiveNodes = "SELECT count(*) AS \"Value\" " + PresenceLocks;

    /// <summary>Lets go of the claims of nodes that are gone, in every outbox (<see cref="ClaimedTable"/>).</summary>
    private static readonly string ReleaseSql = string.Join(";", ClaimedTable.All.Select(t =>
        t.ReleaseSql("@now", "lease_owner LIKE 'node-%' AND split_part(lease_owner, '/', 1) NOT IN (" + LiveNodes + ")")));

    private NpgsqlConnection? _presence;

    /// <summary>Whether this node held its presence lock before (and lost it), and since when it holds it again.</summary>
    private bool _wasPresent;
    private DateTimeOffset _backSince;

    private bool OnPostgres => database.Provider == DatabaseProvider.Postgres;

    /// <summary>Present, and the dead released, before the workers (registered after this) start.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (OnPostgres)
            await LookAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OnPostgres)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await LookAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_presence is not null)
            await _presence.DisposeAsync();
        _presence = null;
    }

    /// <summary>Holds this node's presence lock (again, if its connection was lost), then releases the claims of nodes without one.</summary>
    internal async Task LookAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_presence is null)
            {
                _presence = await ConnectAsync(cancellationToken);
                _backSince = _wasPresent ? time.GetUtcNow() : DateTimeOffset.MinValue;
                _wasPresent = true;
            }
            await using (var schema = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", _presence))
            {
                if (Migrator.TooNew(database.Provider, Convert.ToInt32(await schema.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture)) is { } why)
                {
                    LogSchemaNewer(logger, why);
                    exit.Code = 1;
                    lifetime.StopApplication();
                    return;
                }
            }
            if (time.GetUtcNow() - _backSince < Grace)
                return; // just back after losing the database: the other nodes may not be back yet
            await using var release = new NpgsqlCommand(ReleaseSql, _presence);
            release.Parameters.AddWithValue("now", time.GetUtcNow());
            var released = await release.ExecuteNonQueryAsync(cancellationToken);
            if (released > 0)
            {
                LogReleased(logger, released);
                escalations.Wake();
                deliveries.Wake();
                incidents.Wake();
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or IOException)
        {
            // The presence connection is gone with its lock: another node may release this one's claims meanwhile (their
            // messages then go again with the same idempotency key). Connect again at the next look.
            LogLookFailed(logger, e);
            if (_presence is not null)
                await _presence.DisposeAsync();
            _presence = null;
        }
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        // Its own connection, outside the pool: the lock lives exactly as long as this session.
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, ApplicationName = $"steady {node.Id}" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockClass}, {node.Number})", connection);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
                throw new InvalidOperationException($"Another session holds the presence lock of node number {node.Number}.");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(EventId = 822, Level = LogLevel.Critical, Message = "Stopping: {Why}")]
    private static partial void LogSchemaNewer(ILogger logger, string why);

    [LoggerMessage(EventId = 820, Level = LogLevel.Warning, Message = "Released {Count} claim(s) of engine nodes that are gone")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 821, Level = LogLevel.Warning, Message = "Could not hold this node's presence lock or release the claims of nodes that are gone; trying again shortly")]
    private static partial void LogLookFailed(ILogger logger, Exception exception);
}
