using Npgsql;

namespace Steady.Server.Tests;

/// <summary>
/// Where the suite's databases live. SQLite by default (a file in a fresh temp folder per server);
/// with STEADY_TEST_DATABASE=postgres, a fresh database per server on the PostgreSQL server named by
/// STEADY_TEST_POSTGRES (an admin connection string), dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private TestDatabase(string provider, string connectionString, string folder, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Folder = folder;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public static bool UsePostgres => string.Equals(Environment.GetEnvironmentVariable("STEADY_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A scratch folder for this database's server (the SQLite file lives here).</summary>
    public string Folder { get; }

    public bool IsSqlite => Provider == "sqlite";

    /// <summary>A SQLite database in <paramref name="folder"/> (e.g. on a small disk of the test's own).</summary>
    public static TestDatabase SqliteIn(string folder) => new("sqlite", $"Data Source={Path.Combine(folder, "steady.db")}", folder, null, null);

    public static async Task<TestDatabase> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("steady-test-").FullName;
        if (!UsePostgres)
            return new TestDatabase("sqlite", $"Data Source={Path.Combine(folder, "steady.db")}", folder, null, null);

        var admin = Environment.GetEnvironmentVariable("STEADY_TEST_POSTGRES")
            ?? throw new InvalidOperationException("STEADY_TEST_DATABASE=postgres needs STEADY_TEST_POSTGRES, an admin connection string (scripts/test sets both).");
        return await CreateOnAsync(admin, folder);
    }

    /// <summary>A fresh database on the PostgreSQL server that <paramref name="admin"/> (an admin connection string) names.</summary>
    public static async Task<TestDatabase> CreateOnAsync(string admin, string? folder = null)
    {
        folder ??= Directory.CreateTempSubdirectory("steady-test-").FullName;
        var name = "steady_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase("postgres", builder.ToString(), folder, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
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
