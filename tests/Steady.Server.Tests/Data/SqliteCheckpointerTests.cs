using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Steady.Server.Data;

namespace Steady.Server.Tests.Data;

/// <summary>The write-ahead log goes back into the database file from the first start: a brand-new installation's data is in steady.db, not only in its log.</summary>
public sealed class SqliteCheckpointerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AConnectionThatFirstSawTheDatabaseBeforeItWasInWalModeIsToldApartAndANewOneCheckpoints()
    {
        var folder = Directory.CreateTempSubdirectory("steady-checkpoint-").FullName;
        try
        {
            var path = Path.Combine(folder, "steady.db");
            var database = DatabaseSetup.Resolve(new DatabaseOptions { Provider = "sqlite", ConnectionString = $"Data Source={path}" });
            var checkpointer = new SqliteCheckpointer(database, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);
            // A connection opened on the brand-new (empty) file, as the checkpointer's was when it started before the database existed.
            await using var early = new SqliteConnection(database.ConnectionString);
            await early.OpenAsync(Cancel);
            Assert.False(await checkpointer.CheckpointAsync(early, Cancel));

            await using (var writer = new SqliteConnection(database.ConnectionString))
            {
                await writer.OpenAsync(Cancel);
                await using var command = writer.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x TEXT); " +
                    string.Concat(Enumerable.Repeat("INSERT INTO t VALUES (hex(randomblob(500)));", 500));
                await command.ExecuteNonQueryAsync(Cancel);
            }
            // That connection never reads the header again: its checkpoints do nothing while the log grows.
            Assert.False(await checkpointer.CheckpointAsync(early, Cancel));
            var before = new FileInfo(path).Length;

            await using var fresh = new SqliteConnection(database.ConnectionString);
            await fresh.OpenAsync(Cancel);
            Assert.True(await checkpointer.CheckpointAsync(fresh, Cancel));
            Assert.True(new FileInfo(path).Length > before + 400_000, $"steady.db is {new FileInfo(path).Length} bytes after the checkpoint ({before} before)");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ABrandNewInstallationKeepsItsDataInTheDatabaseFileWhileItRuns()
    {
        Assert.SkipWhen(TestDatabase.UsePostgres, "The write-ahead log is SQLite's.");
        await using var database = await TestDatabase.CreateAsync(); // a brand-new, empty folder
        const string token = "stdy_checkpoint-test-token-0123456789";
        await using var server = ServerProcess.Start(database, token);
        await server.WaitReadyAsync();
        using var admin = new HttpClient { BaseAddress = server.Client.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", token);
        (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Written to the log" }, Cancel)).EnsureSuccessStatusCode();

        // A copy of the database file alone (what a plain file copy of a running installation takes) holds the team within seconds.
        var copy = Path.Combine(database.Folder, "copy.db");
        var found = false;
        for (var look = 0; look < 100 && !found; look++)
        {
            await Task.Delay(100, Cancel);
            File.Copy(Path.Combine(database.Folder, "steady.db"), copy, overwrite: true);
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=false");
            await connection.OpenAsync(Cancel);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'teams'";
            if ((long)(await command.ExecuteScalarAsync(Cancel))! == 1)
            {
                command.CommandText = "SELECT count(*) FROM teams WHERE name = 'Written to the log'";
                found = (long)(await command.ExecuteScalarAsync(Cancel))! == 1;
            }
        }
        Assert.True(found, $"after 10 s steady.db ({new FileInfo(Path.Combine(database.Folder, "steady.db")).Length} bytes) still lacks what the log ({new FileInfo(Path.Combine(database.Folder, "steady.db-wal")).Length} bytes) holds");
    }
}
