using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The paging path's statements, as SQLite plans them: every one reaches the big tables (alerts,
/// groups, runs, deliveries, history) through an index, never by reading the table or by reading
/// every triggered alert. A statement that does is fine with ten rows and takes hundreds of
/// milliseconds with 50,000 open alerts (bench/paging); this catches it with ten.
/// </summary>
public sealed partial class QueryPlanTests
{
    private static readonly HashSet<string> BigTables = ["alerts", "alert_events", "alert_groups", "escalation_runs", "deliveries"];

    [Fact]
    public async Task AlertToPageToEscalationToAcknowledgementReadsTheBigTablesOnlyThroughIndexes()
    {
        Assert.SkipWhen(TestDatabase.UsePostgres, "These are SQLite's plans; PostgreSQL plans by its own table statistics.");
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } });
        var connectionString = await host.WithDbAsync((db, _) => Task.FromResult(db.Database.GetConnectionString()!));

        using var statements = StatementLog.Start(connectionString);
        await world.FireAsync("HighErrorRate", "critical");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "step 1's webhook");
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "step 2's webhook");
        var ackUrl = new Uri(hooks.Requests[1].Json().GetProperty("ackUrl").GetString()!);
        var browser = new ConsoleClient(host);
        var page = await browser.GetPageAsync(ackUrl.PathAndQuery);
        (await browser.PostFormFromAsync(page, ackUrl.PathAndQuery)).EnsureSuccessStatusCode();
        await host.AdvanceAsync(TimeSpan.FromMinutes(10)); // past the bundle window
        await world.FireAsync("DiskFull", "critical"); // a second group, while the first is acknowledged
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "the second group's page");
        statements.Stop();

        Assert.Contains(statements.Sql, s => s.Contains("UPDATE escalation_runs", StringComparison.Ordinal)); // the engine's claim was seen
        Assert.Contains(statements.Sql, s => s.Contains("UPDATE deliveries", StringComparison.Ordinal)); // and the outbox's
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var partial = await PartialIndexesAsync(connection);
        var problems = new List<string>();
        foreach (var sql in statements.Sql.Where(s => Planned().IsMatch(s)))
        {
            var aliases = Tables().Matches(sql).Where(m => BigTables.Contains(m.Groups[1].Value))
                .SelectMany(m => new[] { m.Groups[1].Value, m.Groups[2].Value }).Where(a => a.Length > 0).ToHashSet();
            foreach (var step in await PlanAsync(connection, sql))
            {
                var scan = Scan().Match(step);
                var wholeTable = scan.Success && aliases.Contains(scan.Groups[1].Value) && !partial.Contains(scan.Groups[2].Value);
                if (wholeTable || step.Contains("ix_alerts_status", StringComparison.Ordinal))
                    problems.Add($"{step}\n    in: {sql}");
            }
        }
        Assert.True(problems.Count == 0, "Statements on the paging path that read a whole table:\n" + string.Join("\n", problems));
    }

    /// <summary>Indexes with a WHERE clause (due work, claimed rows): reading one whole reads only the rows it holds.</summary>
    private static async Task<HashSet<string>> PartialIndexesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'";
        var names = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            names.Add(reader.GetString(0));
        return names;
    }

    private static async Task<List<string>> PlanAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct())
            command.Parameters.AddWithValue(name, DBNull.Value);
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            steps.Add(reader.GetString(3));
        return steps;
    }

    [GeneratedRegex(@"^\s*(SELECT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Planned();

    [GeneratedRegex(@"(?:FROM|JOIN|UPDATE)\s+""?(\w+)""?(?:\s+AS\s+""?(\w+)""?)?", RegexOptions.IgnoreCase)]
    private static partial Regex Tables();

    /// <summary>A plan step that reads a table whole: "SCAN a", or all of one of its indexes, "SCAN a USING [COVERING] INDEX ix" (a lookup is "SEARCH").</summary>
    [GeneratedRegex(@"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")]
    private static partial Regex Scan();

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    /// <summary>The statements EF runs on one database while it is on (from EF's diagnostic events: in-process, whichever context runs them).</summary>
    private sealed class StatementLog : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _connectionString;
        private readonly ConcurrentQueue<string> _sql = new();
        private readonly List<IDisposable> _subscriptions = [];
        private volatile bool _on = true;

        private StatementLog(string connectionString) => _connectionString = connectionString;

        public IReadOnlyCollection<string> Sql => _sql.Distinct().ToList();

        public static StatementLog Start(string connectionString)
        {
            var log = new StatementLog(connectionString);
            log._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(log));
            return log;
        }

        public void Stop() => _on = false;

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                    _subscriptions.Add(listener.Subscribe(this));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (_on && value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData { Command: DbCommand command }
                && command.Connection?.ConnectionString == _connectionString)
                _sql.Enqueue(command.CommandText);
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                foreach (var subscription in _subscriptions)
                    subscription.Dispose();
            }
        }
    }
}
