using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    private static SteadyDb Open(TestDatabase database)
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
