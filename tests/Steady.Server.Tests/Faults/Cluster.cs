using System.Globalization;
using Npgsql;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Faults;

/// <summary>
/// Several Steady nodes as separate processes on one PostgreSQL database, started at once, with the paging world
/// of <see cref="PagingWorld"/> set up through the first node's API; and what the database says about the pages.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string Token = "stdy_cluster-test-token-0123456789abcdef";

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string> _settings;

    private Cluster(TestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        _database = database;
        _settings = settings;
    }

    public List<ServerProcess> Nodes { get; } = [];

    public PagingWorld World { get; private set; } = null!;

    public string ConnectionString => _database.ConnectionString;

    /// <summary>Starts <paramref name="count"/> nodes at once on the (empty) database and waits until each is ready.</summary>
    public static async Task<Cluster> StartAsync(TestDatabase database, int count, LoopbackReceiver hooks, IReadOnlyDictionary<string, string> settings)
    {
        var cluster = new Cluster(database, settings);
        for (var i = 0; i < count; i++)
            cluster.Nodes.Add(ServerProcess.Start(database, Token, settings));
        await Task.WhenAll(cluster.Nodes.Select(n => n.WaitReadyAsync()));
        cluster.World = await PagingWorld.CreateAsync(() => cluster.Admin(0), () => cluster.Anonymous(0), hooks);
        return cluster;
    }

    /// <summary>A live node's client, the first live one from <paramref name="index"/> on.</summary>
    public HttpClient Anonymous(int index) => new() { BaseAddress = Live(index).Client.BaseAddress };

    public HttpClient Admin(int index)
    {
        var client = Anonymous(index);
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return client;
    }

    private ServerProcess Live(int index)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            var node = Nodes[(index + i) % Nodes.Count];
            if (!node.HasExited)
                return node;
        }
        throw new InvalidOperationException("No node is alive.");
    }

    /// <summary>Starts a node again in place of <paramref name="index"/> (killed before).</summary>
    public async Task RestartAsync(int index)
    {
        var node = ServerProcess.Start(_database, Token, _settings);
        await node.WaitReadyAsync();
        await Nodes[index].DisposeAsync();
        Nodes[index] = node;
    }

    /// <summary>Fires one alert in a group of its own (Alertmanager), at the node given.</summary>
    public Task FireAsync(int node, string name) =>
        World.FireThroughAsync(Anonymous(node), "{}:{alertname=\"" + name + "\"}", (name, "f-" + name, "critical", "api-1:9100"));

    /// <summary>The node whose claims (on runs and deliveries) are most numerous right now, with a send of its in flight; or null.</summary>
    public async Task<ServerProcess?> ClaimHolderSendingAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT split_part(lease_owner, '/', 3) AS pid, count(*) AS claims, bool_or(sending) AS sending FROM (" +
            "SELECT lease_owner, sending_at IS NOT NULL AS sending FROM deliveries WHERE lease_owner IS NOT NULL AND state = 'sending' " +
            "UNION ALL SELECT lease_owner, false FROM escalation_runs WHERE lease_owner IS NOT NULL) c GROUP BY 1 ORDER BY 2 DESC", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var pid = int.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
            if (reader.GetBoolean(2) && Nodes.FirstOrDefault(n => !n.HasExited && n.Pid == pid) is { } node)
                return node;
        }
        return null;
    }

    public sealed record Page(Guid Id, Guid RunId, int Step, int Pass, string State, Guid? SentAs, int Repeats, DateTimeOffset CreatedAt, DateTimeOffset RunStartedAt)
    {
        public string Key => "dlv-" + SentAs;
    }

    /// <summary>Every delivery, with its run's start.</summary>
    public async Task<List<Page>> PagesAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT d.id, d.run_id, d.step, d.pass, d.state, d.sent_as, d.repeats, d.created_at, r.started_at FROM deliveries d JOIN escalation_runs r ON r.id = d.run_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var pages = new List<Page>();
        while (await reader.ReadAsync())
        {
            pages.Add(new Page(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }
        return pages;
    }

    /// <summary>
    /// When each page was due: a run's first step when the run started, each next one the step's wait
    /// (<paramref name="wait"/>) after the one before it ran.
    /// </summary>
    public static Dictionary<Guid, DateTimeOffset> DueTimes(IEnumerable<Page> pages, TimeSpan wait)
    {
        var due = new Dictionary<Guid, DateTimeOffset>();
        foreach (var run in pages.GroupBy(p => p.RunId))
        {
            var steps = run.GroupBy(p => (p.Pass, p.Step)).OrderBy(g => g.Key.Pass).ThenBy(g => g.Key.Step).ToList();
            DateTimeOffset? previous = null;
            foreach (var step in steps)
            {
                var at = previous is { } ran ? ran + wait : run.First().RunStartedAt;
                foreach (var page in step)
                    due[page.Id] = at;
                previous = step.Min(p => p.CreatedAt);
            }
        }
        return due;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
            rows.Add(read(reader));
        return rows;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
