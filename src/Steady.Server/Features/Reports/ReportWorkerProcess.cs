using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using NodaTime;
using Steady.Core.Reports;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>
/// The report worker: <c>Steady.Server report-worker</c>, started by <see cref="ReportWorker"/>, never by hand. It reads
/// one line (<see cref="ReportWorkerStart"/>: the database), then computes a report for each request line it reads
/// (<see cref="ReportRequest"/>) and writes one answer line each (<see cref="ReportAnswer"/>), until its input ends. It
/// reads the database read-only (SQLite opened read-only, PostgreSQL transactions read-only), runs no migration, takes
/// no lock, starts no worker, holds no secrets' keys; what it logs goes to its standard error, which the server logs.
/// </summary>
public static class ReportWorkerProcess
{
    public const string Verb = "report-worker";

    public static async Task<int> RunAsync(TextReader input, TextWriter output, TextWriter error)
    {
        if (await input.ReadLineAsync() is not { } first || JsonSerializer.Deserialize<ReportWorkerStart>(first, ReportWorker.Json) is not { } start)
        {
            await error.WriteLineAsync("steady report-worker: it is started by the server, which tells it on its input what to read.");
            return 2;
        }
        if (start.Provider == DatabaseProvider.Sqlite)
            SqliteWithoutItsLocks(error);
        await using var services = Services(start);
        var clock = services.GetRequiredService<RequestClock>();
        var runner = services.GetRequiredService<ReportRunner>();
        services.GetRequiredService<SecretKeyring>().Withhold();
        while (await input.ReadLineAsync() is { } line)
        {
            ReportAnswer answer;
            long id = 0;
            try
            {
                var request = JsonSerializer.Deserialize<ReportRequest>(line, ReportWorker.Json)!;
                id = request.Id;
                clock.Now = request.Now;
                var result = await runner.RunAsync(ct => ComputeAsync(services, request, ct), CancellationToken.None);
                answer = new ReportAnswer(id, result, null);
            }
            catch (Exception e)
            {
                await error.WriteLineAsync($"report {id} failed: {e}");
                answer = new ReportAnswer(id, null, e.Message);
            }
            await output.WriteLineAsync(JsonSerializer.Serialize(answer, ReportWorker.Json));
            await output.FlushAsync();
        }
        return 0;
    }

    private static async Task<JsonElement> ComputeAsync(IServiceProvider services, ReportRequest request, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var all = teams.ToDictionary(t => t.Id);
        var service = request.Service is { } serviceId ? await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken) : null;
        var reportScope = new ReportScope(
            request.Actor,
            new Span(Instant.FromDateTimeOffset(request.From), Instant.FromDateTimeOffset(request.To)),
            DateTimeZoneProviders.Tzdb.GetZoneOrNull(request.Zone) ?? DateTimeZone.Utc,
            request.Teams.Where(all.ContainsKey).Select(t => all[t]).ToList(),
            service,
            all);
        var provider = scope.ServiceProvider;
        return request.Kind switch
        {
            ReportKind.Response => Json(await provider.GetRequiredService<ResponseReport>().ComputeAsync(reportScope, cancellationToken)),
            ReportKind.OnCall => Json(await provider.GetRequiredService<OnCallReport>().ComputeAsync(reportScope, cancellationToken)),
            ReportKind.Noise => Json(await provider.GetRequiredService<NoiseReport>().ComputeAsync(reportScope, cancellationToken)),
            _ => throw new InvalidOperationException($"Unknown report kind {request.Kind}."),
        };

        static JsonElement Json<T>(T report) => JsonSerializer.SerializeToElement(report, ReportWorker.Json);
    }

    /// <summary>Only what the reports need: the database read-only (through the compiled model), the clock of the request, the runner and the three reports.</summary>
    internal static ServiceProvider Services(ReportWorkerStart start)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{SteadyOptions.Section}:Database:Provider"] = start.Provider.ToString().ToLowerInvariant(),
            [$"{SteadyOptions.Section}:Database:ConnectionString"] = ReadOnly(start.Provider, start.ConnectionString),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton<RequestClock>();
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<RequestClock>());
        // The model compiled ahead of time: a new worker would otherwise build it for its first report (most of a second).
        services.AddSteadyDatabase(CompiledModel.SteadyModels.For);
        services.AddSingleton(sp => new ReportRunner(sp.GetRequiredService<TimeProvider>(), ReleasePool(sp.GetRequiredService<DatabaseInfo>())));
        services.AddScoped<ResponseReport>();
        services.AddScoped<OnCallReport>();
        services.AddScoped<NoiseReport>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// SQLite in multi-thread mode: no lock of its own around every call (each column read of a million rows is one), which
    /// serialized mode takes. Safe here: a connection is used by one thread at a time (one report at a time; a report's
    /// parts read at once each through a context and connection of its own). Only before SQLite's first connection in the
    /// process; if it is refused, the worker goes on serialized.
    /// </summary>
    private static void SqliteWithoutItsLocks(TextWriter error)
    {
        SQLitePCL.Batteries_V2.Init();
        var result = SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
        if (result != SQLitePCL.raw.SQLITE_OK)
            error.WriteLine($"SQLite stays in serialized mode (sqlite3_config returned {result}).");
    }

    /// <summary>Closes this worker's idle pooled connections (with them, SQLite's page cache of each, up to 32 MiB).</summary>
    private static Action ReleasePool(DatabaseInfo database) => () =>
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            using var connection = new SqliteConnection(database.ConnectionString);
            SqliteConnection.ClearPool(connection);
        }
        else
        {
            using var connection = new NpgsqlConnection(database.ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    };

    /// <summary>The connection string with writing refused by the database itself.</summary>
    public static string ReadOnly(DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Sqlite)
            return new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.Join(' ', new[] { builder.Options, "-c default_transaction_read_only=on" }.Where(o => !string.IsNullOrWhiteSpace(o)));
        builder.ApplicationName ??= "steady-report-worker";
        return builder.ToString();
    }

    /// <summary>The server's clock as of the request (its "now" is the server's, a test's included); timers run on the real clock.</summary>
    private sealed class RequestClock : TimeProvider
    {
        public DateTimeOffset? Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
    }
}
