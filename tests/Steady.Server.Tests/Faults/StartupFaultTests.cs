using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Faults;

/// <summary>
/// Starting and upgrading safely: nodes starting at once on an empty database, an older Steady on a newer schema
/// (refused at start; a running node whose database is upgraded beneath it stops), and an upgrade that gives alerts
/// left open without an escalation run their run.
/// </summary>
public sealed class StartupFaultTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOlderSteadyRefusesToStartOnANewerSchemaSayingWhyAndTakesNoWork()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var db = MigrationTests.Open(database))
        {
            await Migrator.MigrateAsync(db, cancellationToken: Cancel);
            await db.Database.ExecuteSqlRawAsync(database.IsSqlite
                ? "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from_a_newer_steady', datetime('now'))"
                : "INSERT INTO schema_migrations (version, name) VALUES (99, 'from_a_newer_steady')", Cancel);
        }

        await using var server = ServerProcess.Start(database, Cluster.Token);
        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        var known = Migrator.LatestVersion(database.IsSqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres);
        Assert.Contains($"steady: The database schema is at version 99, newer than this Steady knows ({known}): a newer Steady upgraded it.", server.Output, StringComparison.Ordinal);
        await using var after = MigrationTests.Open(database);
        Assert.Equal(0, await after.Users.CountAsync(Cancel)); // it stopped before anything: not even the first admin
    }

    [Fact]
    public async Task ANodeWhoseDatabaseIsUpgradedBeneathItStopsWithExitCodeOne()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "Only on PostgreSQL can another node upgrade the schema while this one runs (SQLite's file lock admits one process).");
        await using var host = await SteadyHost.StartAsync();
        await host.WithDbAsync((db, _) => db.Database.ExecuteSqlRawAsync("INSERT INTO schema_migrations (version, name) VALUES (99, 'from_a_newer_steady')", Cancel));

        await host.Services.GetServices<IHostedService>().OfType<NodePresence>().Single().LookAsync(Cancel);

        Assert.True(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the node goes on");
        Assert.Equal(1, host.Services.GetRequiredService<ServerExit>().Code);
    }

    [Fact]
    public async Task NodesStartingAtOnceOnAnEmptyDatabaseAllStartAndOneOfThemCreatesTheFirstAdmin()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "Several nodes share one database on PostgreSQL only (SQLite's file lock admits one process).");
        await using var database = await TestDatabase.CreateAsync();
        var starting = Enumerable.Range(0, 5).Select(_ => Task.Run(() => SteadyHost.StartAsync(database: database))).ToList();
        var hosts = new List<SteadyHost>();
        try
        {
            foreach (var start in starting)
                hosts.Add(await start);
            foreach (var host in hosts)
                (await host.Admin().GetAsync("/api/v1/users", Cancel)).EnsureSuccessStatusCode(); // the bootstrap token works on every node
            Assert.Equal(1, await hosts[0].WithDbAsync((db, _) => db.Users.CountAsync(Cancel)));
        }
        finally
        {
            foreach (var start in starting)
            {
                try
                {
                    await (await start).DisposeAsyncKeepingDatabase();
                }
                catch (Exception)
                {
                    // it failed to start: the assertion above says so
                }
            }
        }
    }

    [Fact]
    public async Task AnUpgradeGivesAnAlertLeftOpenWithoutAnEscalationRunItsRunAndItPages()
    {
        using var hooks = new LoopbackReceiver();
        var host = await SteadyHost.StartAsync();
        try
        {
            var world = await PagingWorld.CreateAsync(() => host.Admin(), () => host.Anonymous(), hooks);
            await world.FireAsync();
            await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the page");
            await PagingWorld.EventuallyAsync(async () => await host.WithDbAsync((db, _) => db.Deliveries.AllAsync(d => d.LeaseOwner == null, Cancel)), "its outcome stored");
            await host.DisposeAsyncKeepingDatabase();

            // As a database from before the paging engine (migration 10) was left: the alert open, no escalation run;
            // and the schema as it was before migration 24 (which gives such alerts their run): versions 24 and later
            // undone, so their columns and tables dropped too — 0024's sending marks, 0025's action verdict, 0026's
            // backup state and 0027's report indexes (a migration added later adds its drops here; 0028 replaces its function).
            await using (var db = MigrationTests.Open(host.Database))
            {
                foreach (var sql in new[]
                {
                    "DELETE FROM deliveries", "DELETE FROM escalation_runs", "DELETE FROM schema_migrations WHERE version >= 24",
                    "ALTER TABLE deliveries DROP COLUMN sending_at", "ALTER TABLE deliveries DROP COLUMN repeats", "ALTER TABLE incident_notices DROP COLUMN sending_at",
                    "ALTER TABLE incident_actions DROP COLUMN verdict", "DROP TABLE backup_state",
                    "DROP INDEX ix_alert_events_acknowledged_alert", "DROP INDEX ix_alert_events_acknowledged_at", "DROP INDEX ix_alert_events_flapping_at",
                })
                {
#pragma warning disable EF1002 // constant statements
                    await db.Database.ExecuteSqlRawAsync(sql, Cancel);
#pragma warning restore EF1002
                }
            }

            host = await SteadyHost.StartAsync(database: host.Database);
            await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page of the run the upgrade gave it");
            var run = await host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(Cancel));
            Assert.NotNull(run.LastStepAt); // its first step ran
            Assert.Equal("/ann", hooks.Requests[1].PathAndQuery);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

}
