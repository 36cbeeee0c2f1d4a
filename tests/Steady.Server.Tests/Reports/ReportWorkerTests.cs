using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Steady.Server.Data;
using Steady.Server.Features.Reports;

namespace Steady.Server.Tests.Reports;

/// <summary>
/// Reports are computed in a worker process of the server's own program: another process, at nice 10, reading the database
/// through a connection the database itself keeps from writing; a worker that dies is replaced at the next report; an idle
/// one exits; the server's end ends it.
/// </summary>
public sealed class ReportWorkerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReportIsComputedInAnotherProcessAtNiceTenThatExitsWhenIdleAndWithTheServer()
    {
        var host = await SteadyHost.StartAsync();
        int pid;
        try
        {
            var worker = host.Services.GetRequiredService<ReportWorker>();
            Assert.Null(worker.ProcessId); // none until the first report
            // A setting in the server's environment (as Steady__Secrets__Key may be): bound by nothing, it must not reach the worker.
            Environment.SetEnvironmentVariable("Steady__ReportWorkerTests__Marker", "in-the-servers-environment");
            Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync("/api/v1/reports/noise", Cancel)).StatusCode);

            pid = Assert.IsType<int>(worker.ProcessId);
            Assert.NotEqual(Environment.ProcessId, pid);
            Assert.Contains(ReportWorkerProcess.Verb, await File.ReadAllTextAsync($"/proc/{pid}/cmdline", Cancel));
            // The server's settings (the database's connection string, a master key) reach it on its input only.
            var environment = await File.ReadAllTextAsync($"/proc/{pid}/environ", Cancel);
            Assert.DoesNotContain("in-the-servers-environment", environment, StringComparison.Ordinal);
            Assert.DoesNotContain(host.Database.ConnectionString, environment, StringComparison.Ordinal);
            Assert.Equal(ReportRunner.Nice, Nice(pid));

            // Asked again, the same worker answers.
            Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync("/api/v1/reports/response", Cancel)).StatusCode);
            Assert.Equal(pid, worker.ProcessId);

            // Idle for WorkerIdle: it exits.
            await host.AdvanceAsync(new ReportsOptions().WorkerIdle + TimeSpan.FromSeconds(1));
            await Incidents.IncidentWorld.EventuallyAsync(() => worker.ProcessId is null && !Directory.Exists($"/proc/{pid}") ? "" : null, "the idle worker gone");

            // The next report starts another.
            Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync("/api/v1/reports/oncall", Cancel)).StatusCode);
            pid = Assert.IsType<int>(worker.ProcessId);
            Assert.Equal(2, worker.Started);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Steady__ReportWorkerTests__Marker", null);
            await host.DisposeAsync();
        }
        Assert.False(Directory.Exists($"/proc/{pid}"), "the worker outlived the server");
    }

    [Fact]
    public async Task AWorkerKilledBetweenReportsIsReplacedAndTheReportStillAnswers()
    {
        await using var host = await SteadyHost.StartAsync();
        var worker = host.Services.GetRequiredService<ReportWorker>();
        var first = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/reports/noise", Cancel);
        var pid = Assert.IsType<int>(worker.ProcessId);

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
            await process.WaitForExitAsync(Cancel);
        }
        var again = await host.Admin().GetAsync("/api/v1/reports/noise", Cancel);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.GetProperty("from").GetString(), (await again.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("from").GetString());
        Assert.NotEqual(pid, worker.ProcessId);
        Assert.Equal(2, worker.Started);
    }

    [Fact]
    public async Task TheWorkersConnectionIsRefusedWritesByTheDatabaseItself()
    {
        await using var host = await SteadyHost.StartAsync();
        var database = host.Services.GetRequiredService<DatabaseInfo>();
        var readOnly = ReportWorkerProcess.ReadOnly(database.Provider, database.ConnectionString);
        await using DbConnection connection = database.Provider == DatabaseProvider.Sqlite ? new SqliteConnection(readOnly) : new NpgsqlConnection(readOnly);
        await connection.OpenAsync(Cancel);
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT count(*) FROM users";
        Assert.Equal(1L, Convert.ToInt64(await read.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture)); // reads
        await using var write = connection.CreateCommand();
        write.CommandText = "DELETE FROM users";

        var refused = await Assert.ThrowsAnyAsync<DbException>(() => write.ExecuteNonQueryAsync(Cancel));

        Assert.Contains(database.Provider == DatabaseProvider.Sqlite ? "readonly database" : "read-only transaction", refused.Message, StringComparison.Ordinal);
        await using var count = host.Services.CreateAsyncScope();
        Assert.True(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(count.ServiceProvider.GetRequiredService<SteadyDb>().Users, Cancel));
    }

    /// <summary>A process's nice value: field 19 of /proc/PID/stat (after the command's closing parenthesis, field 17).</summary>
    private static int Nice(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
