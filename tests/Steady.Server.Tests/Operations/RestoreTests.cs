using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Steady.Server.Data;
using Steady.Server.Features.Backups;
using Steady.Server.Tests.Alerts;

namespace Steady.Server.Tests.Operations;

/// <summary>
/// Backups that restore (issue 20): a backup taken while alerts pour in is restored into an empty database, a server
/// started on the copy has every alert acknowledged before the backup began; a database that holds data, a backup
/// newer than the binary and a damaged backup are refused, and the target is left as it was.
/// </summary>
public sealed class RestoreTests : IAsyncLifetime
{
    private SteadyHost _host = null!;
    private readonly List<TestDatabase> _targets = [];

    public async ValueTask InitializeAsync() => _host = await SteadyHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var target in _targets)
            await target.DisposeAsync();
    }

    [Fact]
    public async Task ABackupTakenUnderIntakeRestoresIntoAnEmptyDatabaseAndAServerOnTheCopyHasEveryAcknowledgedAlert()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await AlertWorld.CreateAsync(_host);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested && batch < 2_000; batch++)
            {
                var keys = Enumerable.Range(0, 10).Select(i => $"b{batch}-a{i}").ToList();
                var response = await world.PostAsync("generic", keys.Select(k => new { summary = "load " + k, dedup_key = k }).ToArray());
                if (response.StatusCode == HttpStatusCode.Accepted)
                    keys.ForEach(acknowledged.Add);
            }
        }, ct);
        while (acknowledged.Count < 200 && !sender.IsCompleted)
            await Task.Delay(10, ct);
        var before = acknowledged.ToHashSet();
        var file = await BackUpAsync(ct);
        await stop.CancelAsync();
        await sender;

        var target = await EmptyTargetAsync();
        var said = await Restore.RunAsync(file, Info(target), force: false, TimeProvider.System, ct);
        Assert.StartsWith($"Restored {Path.GetFileName(file)} into ", said);

        await using var restored = await SteadyHost.StartAsync(database: target);
        Assert.Equal(HttpStatusCode.OK, (await restored.Anonymous().GetAsync("/readyz", ct)).StatusCode);
        var keys = (await restored.WithDbAsync((db, _) => db.Alerts.Where(a => a.ServiceId == world.ServiceId).Select(a => a.DedupKey).ToListAsync(ct))).ToHashSet();
        var missing = before.Where(k => !keys.Contains(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {before.Count} alerts acknowledged before the backup are not in the restored database, e.g. {string.Join(", ", missing.Take(5))}");
        // The copy serves: the old admin's token works, and its intake takes alerts on the old integration key.
        var alerts = await restored.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={world.Service}&limit=5", ct);
        Assert.NotEmpty(alerts.GetProperty("items").EnumerateArray());
        var posted = await restored.Anonymous().PostAsJsonAsync($"/intake/{world.Key}/generic", new { summary = "after the restore", dedup_key = "after" }, ct);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
    }

    [Fact]
    public async Task ADatabaseThatHoldsDataIsReplacedOnlyWithForce()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await AlertWorld.CreateAsync(_host);
        (await world.PostAsync("generic", new { summary = "first", dedup_key = "first" })).EnsureSuccessStatusCode();
        var first = await BackUpAsync(ct);
        (await world.PostAsync("generic", new { summary = "second", dedup_key = "second" })).EnsureSuccessStatusCode();
        var second = await BackUpAsync(ct);
        var target = await EmptyTargetAsync();
        await Restore.RunAsync(first, Info(target), force: false, TimeProvider.System, ct);

        var refused = await Assert.ThrowsAsync<BackupException>(() => Restore.RunAsync(second, Info(target), force: false, TimeProvider.System, ct));
        Assert.Contains("--force", refused.Message);
        Assert.Equal(["first"], await KeysAsync(target, ct));

        var said = await Restore.RunAsync(second, Info(target), force: true, TimeProvider.System, ct);
        Assert.Equal(["first", "second"], await KeysAsync(target, ct));
        if (target.IsSqlite)
            Assert.Contains("replaced database is kept as", said);
    }

    [Fact]
    public async Task ABackupWithANewerSchemaThanTheBinaryIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await BackUpAsync(ct);
        var newer = Path.Combine(_host.Database.Folder, "steady-newer" + Path.GetExtension(file));
        var latest = Migrator.LatestVersion(_host.Database.IsSqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres);
        var insert = $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({latest + 1}, 'from_the_future', '2030-01-01')";
        if (_host.Database.IsSqlite)
        {
            File.Copy(file, newer);
            await using var connection = new SqliteConnection($"Data Source={newer};Pooling=false");
            await connection.OpenAsync(ct);
            await using var command = new SqliteCommand(insert, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        else
        {
            // A database a newer Steady would have written, dumped as its backups are.
            var scratch = await EmptyTargetAsync();
            await Restore.RunAsync(file, Info(scratch), force: false, TimeProvider.System, ct);
            await using (var connection = new NpgsqlConnection(scratch.ConnectionString))
            {
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand(insert, connection);
                await command.ExecuteNonQueryAsync(ct);
            }
            var pg = new NpgsqlConnectionStringBuilder(scratch.ConnectionString);
            await RunAsync("pg_dump", ["--format=custom", $"--file={newer}", $"--host={pg.Host}", $"--port={pg.Port}", $"--username={pg.Username}", $"--dbname={pg.Database}"], ct);
        }
        var target = await EmptyTargetAsync();
        var refused = await Assert.ThrowsAsync<BackupException>(() => Restore.RunAsync(newer, Info(target), force: false, TimeProvider.System, ct));
        Assert.Contains($"schema version {latest + 1}, newer than this Steady's {latest}", refused.Message);
        await AssertEmptyAsync(target, ct);
    }

    [Fact]
    public async Task ADamagedBackupIsRefusedAndTheTargetLeftUntouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await AlertWorld.CreateAsync(_host);
        (await world.PostAsync("generic", new { summary = "kept", dedup_key = "kept" })).EnsureSuccessStatusCode();
        var file = await BackUpAsync(ct);
        var damaged = Path.Combine(_host.Database.Folder, "steady-damaged" + Path.GetExtension(file));
        var bytes = await File.ReadAllBytesAsync(file, ct);
        if (_host.Database.IsSqlite)
        {
            // Every page after the first overwritten: the header still says SQLite, the tables are garbage.
            for (var i = 4096; i < bytes.Length; i++)
                bytes[i] = (byte)(i * 7);
        }
        else
        {
            bytes = bytes[..(bytes.Length / 2)]; // cut short, as a full disk or an interrupted copy leaves it
        }
        await File.WriteAllBytesAsync(damaged, bytes, ct);

        var empty = await EmptyTargetAsync();
        var refused = await Assert.ThrowsAsync<BackupException>(() => Restore.RunAsync(damaged, Info(empty), force: false, TimeProvider.System, ct));
        Assert.Contains("steady-damaged", refused.Message);
        await AssertEmptyAsync(empty, ct);

        // With --force on a database that holds data: still refused, and the data still there.
        var full = await EmptyTargetAsync();
        await Restore.RunAsync(file, Info(full), force: false, TimeProvider.System, ct);
        await Assert.ThrowsAsync<BackupException>(() => Restore.RunAsync(damaged, Info(full), force: true, TimeProvider.System, ct));
        Assert.Equal(["kept"], await KeysAsync(full, ct));

        var noise = Path.Combine(_host.Database.Folder, "notes.txt");
        await File.WriteAllTextAsync(noise, "not a backup", ct);
        var notBackup = await Assert.ThrowsAsync<BackupException>(() => Restore.RunAsync(noise, Info(empty), force: false, TimeProvider.System, ct));
        Assert.Contains("is not a Steady backup", notBackup.Message);
    }

    [Fact]
    public async Task TheVerbSaysWhatIsWrongInOneLineAndExitsNonZero()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = await EmptyTargetAsync();
        var (code, stdout, stderr) = await RunServerAsync(["restore", Path.Combine(target.Folder, "steady-nothing.db")], target, ct);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Matches(@"^steady: There is no file .*steady-nothing\.db\.\n$", stderr);

        (code, _, stderr) = await RunServerAsync(["restore"], target, ct);
        Assert.Equal(2, code);
        Assert.StartsWith("steady: usage: Steady.Server restore FILE [--force]", stderr);

        var file = await BackUpAsync(ct);
        (code, stdout, stderr) = await RunServerAsync(["restore", file], target, ct);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("Restored ", stdout);
        (code, _, stderr) = await RunServerAsync(["restore", file], target, ct);
        Assert.Equal(1, code);
        Assert.Contains("give --force to replace it", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    private async Task<string> BackUpAsync(CancellationToken ct)
    {
        var response = await _host.Admin().PostAsync("/api/v1/backups", null, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var name = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("file").GetString()!;
        return Path.Combine(_host.Database.Folder, "backups", name);
    }

    /// <summary>An empty database of the suite's kind, with the master key of the server the backups come from (kept apart from backups, as the docs say).</summary>
    private async Task<TestDatabase> EmptyTargetAsync()
    {
        var target = await TestDatabase.CreateAsync();
        _targets.Add(target);
        File.Copy(Path.Combine(_host.Database.Folder, "steady.key"), Path.Combine(target.Folder, "steady.key"));
        return target;
    }

    private static DatabaseInfo Info(TestDatabase database) =>
        DatabaseSetup.Resolve(new DatabaseOptions { Provider = database.Provider, ConnectionString = database.ConnectionString });

    /// <summary>The dedup keys of the alerts in <paramref name="database"/> (each test's server has its own database: they are the test's).</summary>
    private static async Task<List<string>> KeysAsync(TestDatabase database, CancellationToken ct)
    {
        System.Data.Common.DbConnection connection = database.IsSqlite ? new SqliteConnection(database.ConnectionString + ";Pooling=false") : new NpgsqlConnection(database.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT dedup_key FROM alerts ORDER BY dedup_key";
            var keys = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                keys.Add(reader.GetString(0));
            return keys;
        }
    }

    private static async Task AssertEmptyAsync(TestDatabase database, CancellationToken ct)
    {
        if (database.IsSqlite)
        {
            Assert.Equal(["steady.key"], Directory.EnumerateFiles(database.Folder).Select(Path.GetFileName).Where(f => f != "steady.db.lock").ToList());
            return;
        }
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", connection);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(ct))!);
    }

    /// <summary>The server binary as an operator runs it, its database named by the environment.</summary>
    private static async Task<(int Code, string Stdout, string Stderr)> RunServerAsync(string[] args, TestDatabase database, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Steady.Server.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["Steady__Database__Provider"] = database.Provider;
        start.Environment["Steady__Database__ConnectionString"] = database.ConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task RunAsync(string tool, string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, await stderr);
    }
}
