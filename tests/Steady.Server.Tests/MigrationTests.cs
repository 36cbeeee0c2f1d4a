using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Steady.Core.Paging;
using Steady.Server.Data;

namespace Steady.Server.Tests;

public sealed class MigrationTests
{
    [Fact]
    public void MigrationsOfBothProvidersAreNumberedWithoutGapsAndMatchInCount()
    {
        var sqlite = Migrator.For(DatabaseProvider.Sqlite);
        var postgres = Migrator.For(DatabaseProvider.Postgres);
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(m => (m.Version, m.Name)), postgres.Select(m => (m.Version, m.Name)));
    }

    [Fact]
    public async Task TheSchemaCanBeBroughtUpToDateFromEveryEarlierVersion()
    {
        var provider = TestDatabase.UsePostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var latest = Migrator.LatestVersion(provider);
        for (var start = 0; start < latest; start++)
        {
            await using var database = await TestDatabase.CreateAsync();
            await using (var db = Open(database))
            {
                await Migrator.MigrateAsync(db, start, TestContext.Current.CancellationToken);
                Assert.Equal(start, await Migrator.CurrentVersionAsync(db, TestContext.Current.CancellationToken));
            }

            await using var host = await SteadyHost.StartAsync(database: database);
            var ready = await host.Anonymous().GetFromJsonAsync<ReadyDto>("/readyz", TestContext.Current.CancellationToken);
            Assert.Equal(latest, ready!.SchemaVersion);
        }
    }

    [Fact]
    public async Task MigratingTwiceAppliesNothingTheSecondTime()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = Open(database);
        var first = await Migrator.MigrateAsync(db, cancellationToken: TestContext.Current.CancellationToken);
        var second = await Migrator.MigrateAsync(db, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEmpty(first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task EveryColumnOfTheModelExistsInTheMigratedSchema()
    {
        await using var host = await SteadyHost.StartAsync();
        await host.WithDbAsync(async (db, _) =>
        {
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName()!;
                var columns = string.Join(", ", entity.GetProperties().Select(p => "\"" + p.GetColumnName() + "\""));
#pragma warning disable EF1002 // names come from the model, not from input
                await db.Database.ExecuteSqlRawAsync($"SELECT {columns} FROM \"{table}\" WHERE 1 = 0", TestContext.Current.CancellationToken);
#pragma warning restore EF1002
            }
            return 0;
        });
    }

    [Fact]
    public async Task Migration11KeepsEveryAlertGroupsRunAndDeliveryAndNamesTheRunsAfterTheirGroups()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync();
        await using var db = Open(database);
        await Migrator.MigrateAsync(db, 10, cancel);
        var (user, team, service, group, delivery, policy) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // As 0010 left them: ids as each provider stores them, times as each stores them.
        string Id(Guid id) => database.IsSqlite ? $"'{id.ToString().ToUpperInvariant()}'" : $"'{id}'";
        var now = database.IsSqlite ? "0" : "now()";
        var yes = database.IsSqlite ? "1" : "true";
#pragma warning disable EF1002 // literals made here, not input
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO users (id, name, email, time_zone, created_at) VALUES ({Id(user)}, 'Ana', 'ana@example.com', 'UTC', {now})", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO teams (id, name, created_at) VALUES ({Id(team)}, 'Payments', {now})", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO services (id, name, team_id, created_at) VALUES ({Id(service)}, 'payments-api', {Id(team)}, {now})", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO alert_groups (id, service_id, group_key, labels, title, is_open, opened_at, last_alert_at, alert_count, open_count, severity) VALUES ({Id(group)}, {Id(service)}, 'k', '{{{{}}}}', 'Error rate', {yes}, {now}, {now}, 1, 1, 'critical')", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO escalation_runs (group_id, service_id, policy_id, state, urgency, step, pass, next_due_at, started_at, updated_at) VALUES ({Id(group)}, {Id(service)}, {Id(policy)}, 'active', 'high', 1, 0, {now}, {now}, {now})", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO deliveries (id, group_id, service_id, user_id, target, step, pass, urgency, state, attempts, due_at, created_at, idempotency_key) VALUES ({Id(delivery)}, {Id(group)}, {Id(service)}, {Id(user)}, 'email', 0, 0, 'high', 'sent', 1, {now}, {now}, 'dlv-1')", cancel);
#pragma warning restore EF1002

        Assert.Contains(11, await Migrator.MigrateAsync(db, cancellationToken: cancel));
        db.ChangeTracker.Clear();
        var run = await db.EscalationRuns.AsNoTracking().SingleAsync(cancel);
        Assert.Equal((group, group, (Guid?)null, (Guid?)service, policy, RunState.Active, 1), (run.Id, run.GroupId!.Value, run.IncidentId, run.ServiceId, run.PolicyId, run.State, run.Step));
        var kept = await db.Deliveries.AsNoTracking().SingleAsync(cancel);
        Assert.Equal((delivery, group, (Guid?)group, (Guid?)null, DeliveryState.Sent, "dlv-1"), (kept.Id, kept.RunId, kept.GroupId, kept.IncidentId, kept.State, kept.IdempotencyKey));
    }

    [Fact]
    public async Task Migration14MovesServicesThatNeverChoseAGroupingToTheSendersAndKeepsChosenLabelsAndDeliveries()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync();
        await using var db = Open(database);
        await Migrator.MigrateAsync(db, 13, cancel);
        var (user, team, plain, labelled, group, delivery) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        string Id(Guid id) => database.IsSqlite ? $"'{id.ToString().ToUpperInvariant()}'" : $"'{id}'";
        var now = database.IsSqlite ? "0" : "now()";
        var yes = database.IsSqlite ? "1" : "true";
#pragma warning disable EF1002 // literals made here, not input
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO users (id, name, email, time_zone, created_at) VALUES ({Id(user)}, 'Ana', 'ana@example.com', 'UTC', {now})", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO teams (id, name, created_at) VALUES ({Id(team)}, 'Payments', {now})", cancel);
        // As 0013 left them: '[]' was the default nobody chose; labels were chosen.
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO services (id, name, team_id, created_at) VALUES ({Id(plain)}, 'payments-api', {Id(team)}, {now})", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO services (id, name, team_id, created_at, group_by, group_window_seconds) VALUES ({Id(labelled)}, 'checkout', {Id(team)}, {now}, '[\"cluster\"]', 600)", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO alert_groups (id, service_id, group_key, labels, title, is_open, opened_at, last_alert_at, alert_count, open_count, severity) VALUES ({Id(group)}, {Id(plain)}, '*', '{{{{}}}}', 'Error rate', {yes}, {now}, {now}, 1, 1, 'critical')", cancel);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO deliveries (id, run_id, group_id, service_id, user_id, target, step, pass, urgency, state, attempts, due_at, created_at, idempotency_key) VALUES ({Id(delivery)}, {Id(group)}, {Id(group)}, {Id(plain)}, {Id(user)}, 'email', 0, 0, 'high', 'sent', 1, {now}, {now}, 'dlv-1')", cancel);
#pragma warning restore EF1002

        Assert.Contains(14, await Migrator.MigrateAsync(db, cancellationToken: cancel));
        db.ChangeTracker.Clear();
        var services = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, cancel);
        Assert.Null(services[plain].GroupBy);
        Assert.Null(services[plain].AlertSettings().GroupBy);
        Assert.Equal(["cluster"], services[labelled].AlertSettings().GroupBy!);
        Assert.Equal(600, services[labelled].GroupWindowSeconds);
        var kept = await db.Deliveries.AsNoTracking().SingleAsync(cancel);
        Assert.Equal((delivery, "page", (Guid?)null, "dlv-1"), (kept.Id, kept.Kind, kept.AlertId, kept.IdempotencyKey));
    }

    internal static SteadyDb Open(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Steady:Database:Provider"] = database.Provider,
                ["Steady:Database:ConnectionString"] = database.ConnectionString,
            }).Build());
        services.AddSteadyDatabase();
        return services.BuildServiceProvider().CreateScope().ServiceProvider.GetRequiredService<SteadyDb>();
    }

    private sealed record ReadyDto(int SchemaVersion);
}
