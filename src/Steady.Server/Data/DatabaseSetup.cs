using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Steady.Server.Data;

/// <summary>Which database this process uses, resolved once from configuration.</summary>
public sealed record DatabaseInfo(DatabaseProvider Provider, string ConnectionString, string? SqlitePath);

public static class DatabaseSetup
{
    /// <summary>
    /// Configuration is read when the container first needs it, so hosts (and tests) can still change it after registration.
    /// <paramref name="model"/>, when given, gives the EF model for the provider instead of EF building it from the mappings
    /// at the first query: the report worker passes the one compiled ahead of time (<c>CompiledModel.SteadyModels.For</c>,
    /// which names every feature's types, so Data does not), because building it is most of a second of its first report.
    /// The server builds its own: with the compiled model its intake took 5-8 % more CPU per alert (docs/benchmarks.md).
    /// </summary>
    public static IServiceCollection AddSteadyDatabase(this IServiceCollection services, Func<DatabaseProvider, IModel>? model = null)
    {
        services.AddSingleton(sp => Resolve(sp.GetRequiredService<IConfiguration>().GetSection($"{SteadyOptions.Section}:Database").Get<DatabaseOptions>() ?? new DatabaseOptions()));
        services.AddSingleton(sp => new DbMetrics(sp.GetRequiredService<DatabaseInfo>().Provider.ToString().ToLowerInvariant()));
        services.AddSingleton<SqliteLockHolder>();
        services.AddSingleton<StorageHealth>();
        services.AddScoped<AuditContext>();
        services.AddSingleton<SecretKeyring>();
        // A list in a query (ids.Contains(x)) goes to the database as one array parameter — json_each on SQLite,
        // = ANY on PostgreSQL — not as one parameter per element (EF 10's default): one statement per query
        // instead of one per list length, and compiled queries (the intake writer's) stay compiled.
        services.AddDbContext<SteadyDb>((sp, builder) =>
        {
            var info = sp.GetRequiredService<DatabaseInfo>();
            var metrics = sp.GetRequiredService<DbMetrics>();
            // A failed command is EF's error only by its own account: a unique-key violation the code expects and
            // answers (409, "already exists") is not an error of the server. Errors nobody handles are logged where
            // they end — a request's 500, a worker's failed pass — so EF's own lines drop to Debug.
            builder.ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
            if (model is not null)
                builder.UseModel(model(info.Provider));
            if (info.Provider == DatabaseProvider.Sqlite)
                builder.UseSqlite(info.ConnectionString, o => o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).AddInterceptors(new SqlitePragmas(), metrics, SecretMaterializer.Instance);
            else
                builder.UseNpgsql(info.ConnectionString, o => o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).AddInterceptors(metrics, SecretMaterializer.Instance);
        });
        return services;
    }

    public static DatabaseInfo Resolve(DatabaseOptions options)
    {
        var provider = DatabaseProviders.Parse(options.Provider);
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new StartupException("Steady:Database:Provider is 'postgres' but Steady:Database:ConnectionString is empty (for example Host=127.0.0.1;Database=steady;Username=steady;Password=...).");
            return new DatabaseInfo(provider, options.ConnectionString, null);
        }

        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(options.ConnectionString) ? "Data Source=data/steady.db" : options.ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
            throw new StartupException("Steady keeps its SQLite database in a file: set Steady:Database:ConnectionString to Data Source=PATH (default data/steady.db).");
        var path = Path.GetFullPath(builder.DataSource);
        builder.DataSource = path;
        builder.Pooling = true;
        return new DatabaseInfo(provider, builder.ToString(), path);
    }
}
