using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace Steady.Cli.Tests.Integration;

/// <summary>
/// steady restore (issue 20), run as an operator runs it — the real `steady` binary in a process of its own, its target
/// named by the server's settings in the environment — on SQLite, and on PostgreSQL with STEADY_TEST_DATABASE=postgres:
/// a backup of a running server restores into an empty database and a server started on it has the alerts; a database
/// that holds data is replaced only with --force; without a server binary to run, one line and exit 1.
/// </summary>
public sealed class RestoreTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static bool UsePostgres => string.Equals(Environment.GetEnvironmentVariable("STEADY_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task ABackupRestoredThroughSteadyRestoreServesItsAlertsAndAFullTargetNeedsForce()
    {
        await using var sourceDb = await Database.CreateAsync();
        await using var targetDb = await Database.CreateAsync();
        string backup;
        var keyFile = Path.Combine(sourceDb.Folder, "steady.key");
        await using (var source = new SteadyServer { Settings = sourceDb.Settings(keyFile) })
        {
            await source.InitializeAsync();
            using var person = AlertPeople.Responder(source);
            var key = await person.ServiceWithKeyAsync("payments");
            (await person.RunAsync("alert", "send", "Disk full on db-1", "--key", key, "--dedup-key", "disk-db-1")).Succeeded();
            (await person.RunAsync("alert", "send", "Replica lag", "--key", key, "--dedup-key", "lag-db-2")).Succeeded();
            var wrote = (await person.RunAsync("backup", "--json")).Succeeded();
            using var json = JsonDocument.Parse(wrote.Out);
            backup = Path.Combine(sourceDb.Folder, "backups", json.RootElement.GetProperty("file").GetString()!);
        }

        var (code, stdout, stderr) = await SteadyAsync(targetDb, ["restore", backup]);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Matches($@"^Restored {Path.GetFileName(backup)} into .*: schema version \d+, 2 alerts, 0 incidents, 1 users\. Start the server \(it applies any newer migrations\)\.\n$", stdout);

        // The master key is kept apart from backups and put back beside the restored database, as docs/operations.md says.
        var targetKey = Path.Combine(targetDb.Folder, "steady.key");
        File.Copy(keyFile, targetKey);
        await using (var restored = new SteadyServer { Settings = targetDb.Settings(targetKey) })
        {
            await restored.InitializeAsync();
            using var person = AlertPeople.Responder(restored); // the old administrator's token works on the copy
            var alerts = await person.AlertsAsync("--service", "payments");
            Assert.Equal(["Disk full on db-1", "Replica lag"], alerts.Select(a => a.GetProperty("summary").GetString()).Order(StringComparer.Ordinal));
        }

        (code, stdout, stderr) = await SteadyAsync(targetDb, ["restore", backup]);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Matches(@"^steady: .*already holds .*give --force to replace it.*\n$", stderr);

        (code, stdout, stderr) = await SteadyAsync(targetDb, ["restore", backup, "--force"]);
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"Restored {Path.GetFileName(backup)} into ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAServerBinaryToRunItSaysSoInOneLine()
    {
        await using var targetDb = await Database.CreateAsync();
        var empty = Directory.CreateTempSubdirectory("steady-no-server-").FullName;
        try
        {
            var (code, stdout, stderr) = await SteadyAsync(targetDb, ["restore", "steady-20261207T000000000Z.db", "--server-binary", empty]);
            Assert.Equal(1, code);
            Assert.Equal("", stdout);
            Assert.Equal($"steady: --server-binary names {empty}, which is not a Steady server (no Steady.Server.dll there): give the server's Steady.Server or its folder.\n", stderr);

            (code, _, stderr) = await SteadyAsync(targetDb, ["restore", "steady-20261207T000000000Z.db"], new() { ["STEADY_SERVER_BINARY"] = Path.Combine(empty, "Steady.Server") });
            Assert.Equal(1, code);
            Assert.StartsWith($"steady: STEADY_SERVER_BINARY names {Path.Combine(empty, "Steady.Server")}, which is not a Steady server", stderr, StringComparison.Ordinal);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));

            // The server's own refusals come through as they are, with its exit code: here, a file that is not there.
            (code, _, stderr) = await SteadyAsync(targetDb, ["restore", Path.Combine(empty, "steady-20261207T000000000Z.db")]);
            Assert.Equal(1, code);
            Assert.Equal($"steady: There is no file {Path.Combine(empty, "steady-20261207T000000000Z.db")}.\n", stderr);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task ASteadyWithNoServerBesideItOrInstalledSaysWhereItLookedAndExitsOne()
    {
        Assert.SkipWhen(Directory.Exists("/usr/lib/steady/server"), "The Debian package is installed on this host (scripts/test-deb): steady restore would find its server.");
        await using var targetDb = await Database.CreateAsync();
        // steady alone, as on a host where only the CLI is installed: its files and nothing of the server's.
        var alone = Directory.CreateTempSubdirectory("steady-cli-alone-").FullName;
        try
        {
            foreach (var file in new[] { "steady.dll", "steady.deps.json", "steady.runtimeconfig.json", "Steady.Agent.dll", "Steady.Host.dll", "System.CommandLine.dll", "YamlDotNet.dll" })
                File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(alone, file));
            var (code, stdout, stderr) = await SteadyAsync(targetDb, ["restore", "steady-20261207T000000000Z.db"], steady: Path.Combine(alone, "steady.dll"));
            Assert.Equal(1, code);
            Assert.Equal("", stdout);
            Assert.Equal($"steady: steady restore runs the Steady server's own restore, but no Steady server was found beside {alone} or in /usr/lib/steady/server: give --server-binary PATH (or STEADY_SERVER_BINARY), or run 'Steady.Server restore FILE' where the server is installed.\n", stderr);

            // Pointed at the server, the same steady restores.
            var server = Path.Combine(AppContext.BaseDirectory, "Steady.Server");
            (code, _, stderr) = await SteadyAsync(targetDb, ["restore", Path.Combine(alone, "steady-nothing.db"), "--server-binary", server], steady: Path.Combine(alone, "steady.dll"));
            Assert.Equal(1, code);
            Assert.Equal($"steady: There is no file {Path.Combine(alone, "steady-nothing.db")}.\n", stderr);
        }
        finally
        {
            Directory.Delete(alone, recursive: true);
        }
    }

    /// <summary>The real `steady` (the build beside this test, where the server's build is too), its target named by the server's settings in the environment.</summary>
    private static async Task<(int Code, string Stdout, string Stderr)> SteadyAsync(Database target, string[] args, Dictionary<string, string>? environment = null, string? steady = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(steady ?? Path.Combine(AppContext.BaseDirectory, "steady.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["Steady__Database__Provider"] = target.Provider;
        start.Environment["Steady__Database__ConnectionString"] = target.ConnectionString;
        foreach (var (name, value) in environment ?? [])
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Cancel);
        var stderr = process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>An empty database of the run's kind: a SQLite file in a folder of its own, or a fresh PostgreSQL database.</summary>
    private sealed class Database(string provider, string connectionString, string folder, string? admin, string? name) : IAsyncDisposable
    {
        public string Provider { get; } = provider;

        public string ConnectionString { get; } = connectionString;

        public string Folder { get; } = folder;

        public static async Task<Database> CreateAsync()
        {
            var folder = Directory.CreateTempSubdirectory("steady-restore-").FullName;
            if (!UsePostgres)
                return new Database("sqlite", $"Data Source={Path.Combine(folder, "steady.db")}", folder, null, null);
            var admin = Environment.GetEnvironmentVariable("STEADY_TEST_POSTGRES")
                ?? throw new InvalidOperationException("STEADY_TEST_DATABASE=postgres needs STEADY_TEST_POSTGRES, an admin connection string.");
            var name = "steady_t_" + Guid.NewGuid().ToString("N")[..16];
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync(Cancel);
                await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await command.ExecuteNonQueryAsync(Cancel);
            }
            return new Database("postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString(), folder, admin, name);
        }

        /// <summary>A server's settings for this database, its backups in <see cref="Folder"/>/backups and its master key in <paramref name="keyFile"/>.</summary>
        public Dictionary<string, string> Settings(string keyFile) => new()
        {
            ["Steady:Database:Provider"] = Provider,
            ["Steady:Database:ConnectionString"] = ConnectionString,
            ["Steady:Backup:Directory"] = Path.Combine(Folder, "backups"),
            ["Steady:Secrets:KeyFile"] = keyFile,
        };

        public async ValueTask DisposeAsync()
        {
            if (admin is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
