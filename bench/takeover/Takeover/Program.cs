// The driver of bench/takeover/run.sh: three Steady nodes on one PostgreSQL database, alerts arriving at all of
// them, each paging four times (steps 2 s apart); every ROUND seconds the node holding the most claims, with a send
// in flight, is killed with SIGKILL and started again a while later. Pages are received on a loopback webhook.
// Takeover lateness of a page = when it first arrived - max(when it was due, the kill), over the pages that were due
// between the kill and 5 s after it, or due before it and not yet received. Also reported: the same lateness for
// pages due away from any kill (the baseline), pages received more than once (and whether the delivery says so),
// pages lost.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var serverDll = Opt("server-dll", "");
var pgPort = Opt("pg-port", "5432");
var rounds = int.Parse(Opt("rounds", "5"), CultureInfo.InvariantCulture);
var rate = double.Parse(Opt("rate", "10"), CultureInfo.InvariantCulture); // alerts per second
var work = Opt("work", Path.GetTempPath());
const string Token = "stdy_takeover-bench-token-0123456789abcdef";
const int WaitSeconds = 2;
var database = "steady_takeover";
var connection = $"Host=127.0.0.1;Port={pgPort};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30";

string Psql(string sql, string db = "steady_takeover")
{
    var start = new ProcessStartInfo("psql", ["-h", "127.0.0.1", "-p", pgPort, "-U", "postgres", "-d", db, "-AtqX", "-F", "\t", "-c", sql])
    { RedirectStandardOutput = true, RedirectStandardError = true };
    using var p = Process.Start(start)!;
    var output = p.StandardOutput.ReadToEnd();
    var error = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0)
        throw new InvalidOperationException($"psql: {error}");
    return output.Trim();
}
Psql($"CREATE DATABASE {database}", "postgres");

// ---- the receiver: first arrival and count per idempotency key ----------------------------------------------------
var received = new ConcurrentDictionary<string, (DateTimeOffset First, int Count)>();
using var listener = new HttpListener();
var hookRoot = $"http://127.0.0.1:{FreePort()}/";
listener.Prefixes.Add(hookRoot);
listener.Start();
_ = Task.Run(async () =>
{
    while (listener.IsListening)
    {
        HttpListenerContext context;
        try
        {
            context = await listener.GetContextAsync();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            var at = DateTimeOffset.UtcNow;
            var key = context.Request.Headers["Idempotency-Key"] ?? "";
            received.AddOrUpdate(key, (at, 1), (_, old) => (old.First, old.Count + 1));
            await Task.Delay(100); // a receiver that takes a moment: sends are in flight when a node dies
            context.Response.StatusCode = 200;
            context.Response.Close();
        });
    }
});

// ---- three nodes --------------------------------------------------------------------------------------------------
var nodes = new Process?[3];
var urls = new string[3];
var logs = new ConcurrentQueue<string>();
Process StartNode(int i)
{
    urls[i] = $"http://127.0.0.1:{FreePort()}";
    var start = new ProcessStartInfo("dotnet", [serverDll, "--urls", urls[i]]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
    start.Environment["Steady__Database__Provider"] = "postgres";
    start.Environment["Steady__Database__ConnectionString"] = connection;
    start.Environment["Steady__Bootstrap__AdminToken"] = Token;
    start.Environment["Steady__Paging__BundleWindow"] = "00:00:00";
    start.Environment["Steady__Paging__ThrottlePerMinute"] = "0";
    start.Environment["Steady__Intake__RequestsPerSecondPerKey"] = "0";
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, e) => { if (e.Data is not null) logs.Enqueue($"node {i}: {e.Data}"); };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logs.Enqueue($"node {i}: {e.Data}"); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}
async Task WaitReady(int i)
{
    using var client = new HttpClient();
    for (var t = 0; t < 1200; t++)
    {
        try
        {
            if ((await client.GetAsync(urls[i] + "/readyz")).IsSuccessStatusCode)
                return;
        }
        catch (HttpRequestException)
        {
        }
        await Task.Delay(100);
    }
    throw new TimeoutException($"node {i} did not become ready:\n{string.Join('\n', logs)}");
}
try
{
    for (var i = 0; i < 3; i++)
        nodes[i] = StartNode(i);
    await Task.WhenAll(Enumerable.Range(0, 3).Select(WaitReady));

    // ---- the world: Ann, then Ben, then both again, 2 s apart ---------------------------------------------------
    using var admin = new HttpClient { BaseAddress = new Uri(urls[0]) };
    admin.DefaultRequestHeaders.Authorization = new("Bearer", Token);
    async Task<JsonElement> Post(string path, object body)
    {
        var response = await admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
    var team = (await Post("/api/v1/teams", new { name = "takeover" })).GetProperty("id").GetGuid();
    foreach (var name in new[] { "ann", "ben" })
    {
        var id = (await Post("/api/v1/users", new { name, email = $"{name}@bench.test", timeZone = "Etc/UTC" })).GetProperty("id").GetGuid();
        var hook = (await Post($"/api/v1/users/{id}/contact-methods", new { kind = "webhook", label = "bench", address = hookRoot + name })).GetProperty("id").GetGuid();
        await Post($"/api/v1/users/{id}/notification-rules", new { contactMethodId = hook, delayMinutes = 0 });
    }
    var policy = (await Post("/api/v1/escalation-policies", new { name = "takeover", team = "takeover", escalation_chain = new object[] { new { notify = "ann@bench.test", wait = "1m" }, new { notify = "ben@bench.test", wait = "1m" } } })).GetProperty("id").GetGuid();
    Psql($"UPDATE escalation_policies SET steps = replace(steps, '\"waitSeconds\":60', '\"waitSeconds\":{WaitSeconds}'), repeat = 1");
    var service = (await Post("/api/v1/services", new { name = "takeover", teamId = team })).GetProperty("id").GetGuid();
    var patched = await admin.PatchAsJsonAsync($"/api/v1/services/{service}", new { groupBy = new[] { "alertname" }, escalationPolicy = policy.ToString() });
    patched.EnsureSuccessStatusCode();
    var key = (await Post($"/api/v1/services/{service}/integration-keys", new { name = "bench" })).GetProperty("key").GetString()!;

    // ---- alerts at every live node, each its own group --------------------------------------------------------------
    using var stop = new CancellationTokenSource();
    var fired = 0;
    var refused = 0;
    var load = Task.Run(async () =>
    {
        using var intake = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var next = Stopwatch.StartNew();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var name = $"a{n}";
            using var content = new StringContent(JsonSerializer.Serialize(new { summary = name, dedup_key = name, severity = "critical", labels = new Dictionary<string, string> { ["alertname"] = name } }), Encoding.UTF8, "application/json");
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var node = (n + attempt) % 3;
                if (nodes[node] is not { HasExited: false })
                    continue;
                try
                {
                    var response = await intake.PostAsync($"{urls[node]}/intake/{key}/generic", content);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref fired);
                        break;
                    }
                    Interlocked.Increment(ref refused);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
            var wait = (n + 1) * 1000.0 / rate - next.Elapsed.TotalMilliseconds;
            if (wait > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(wait));
        }
    });

    var kills = new List<DateTimeOffset>();
    for (var round = 0; round < rounds; round++)
    {
        await Task.Delay(TimeSpan.FromSeconds(8));
        int victim = -1;
        for (var look = 0; look < 500 && victim < 0; look++)
        {
            // The node with the most claims (runs and deliveries) that has a send in flight.
            var rows = Psql("SELECT split_part(lease_owner, '/', 3), count(*), bool_or(sending) FROM (" +
                "SELECT lease_owner, sending_at IS NOT NULL AS sending FROM deliveries WHERE lease_owner IS NOT NULL AND state = 'sending' " +
                "UNION ALL SELECT lease_owner, false FROM escalation_runs WHERE lease_owner IS NOT NULL) c GROUP BY 1 ORDER BY 2 DESC");
            foreach (var row in rows.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var cells = row.Split('\t');
                var pid = int.Parse(cells[0], CultureInfo.InvariantCulture);
                var index = Array.FindIndex(nodes, p => p is { HasExited: false } && p.Id == pid);
                if (cells[2] == "t" && index >= 0)
                {
                    victim = index;
                    break;
                }
            }
            if (victim < 0)
                await Task.Delay(10);
        }
        if (victim < 0)
        {
            Console.Error.WriteLine($"round {round + 1}: no node held claims with a send in flight; skipped");
            continue;
        }
        nodes[victim]!.Kill();
        kills.Add(DateTimeOffset.UtcNow);
        await nodes[victim]!.WaitForExitAsync();
        Console.Error.WriteLine($"round {round + 1}: killed node {victim} (pid {nodes[victim]!.Id}) holding claims with a send in flight");
        await Task.Delay(TimeSpan.FromSeconds(8));
        nodes[victim] = StartNode(victim);
        await WaitReady(victim);
    }
    await Task.Delay(TimeSpan.FromSeconds(8));
    await stop.CancelAsync();
    await load;
    var expected = fired * 4;
    for (var t = 0; t < 600; t++)
    {
        if (int.Parse(Psql("SELECT count(*) FROM deliveries WHERE state = 'sent'"), CultureInfo.InvariantCulture) >= expected)
            break;
        await Task.Delay(100);
    }
    await Task.Delay(2000);

    // ---- lateness ---------------------------------------------------------------------------------------------------
    var pages = Psql("SELECT d.id, d.run_id, d.step, d.pass, d.state, d.sent_as, d.repeats, " +
            "extract(epoch from d.created_at)::float8, extract(epoch from r.started_at)::float8 FROM deliveries d JOIN escalation_runs r ON r.id = d.run_id")
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
        .Select(c => (Id: c[0], Run: c[1], Step: int.Parse(c[2], CultureInfo.InvariantCulture), Pass: int.Parse(c[3], CultureInfo.InvariantCulture), State: c[4],
            Key: "dlv-" + c[5], Repeats: int.Parse(c[6], CultureInfo.InvariantCulture),
            Created: DateTimeOffset.UnixEpoch.AddSeconds(double.Parse(c[7], CultureInfo.InvariantCulture)),
            Started: DateTimeOffset.UnixEpoch.AddSeconds(double.Parse(c[8], CultureInfo.InvariantCulture))))
        .ToList();
    var due = new Dictionary<string, DateTimeOffset>();
    foreach (var run in pages.GroupBy(p => p.Run))
    {
        DateTimeOffset? previous = null;
        foreach (var step in run.GroupBy(p => (p.Pass, p.Step)).OrderBy(g => g.Key.Pass).ThenBy(g => g.Key.Step))
        {
            var at = previous is { } ran ? ran.AddSeconds(WaitSeconds) : run.First().Started;
            foreach (var page in step)
                due[page.Id] = at;
            previous = step.Min(p => p.Created);
        }
    }
    var affected = new List<double>();
    var baseline = new List<double>();
    foreach (var page in pages.Where(p => received.ContainsKey(p.Key)))
    {
        var arrived = received[page.Key].First;
        var kill = kills.Where(k => due[page.Id] <= k.AddSeconds(5) && arrived >= k && due[page.Id] >= k.AddSeconds(-30)).Cast<DateTimeOffset?>().LastOrDefault();
        if (kill is { } k)
            affected.Add((arrived - (due[page.Id] > k ? due[page.Id] : k)).TotalSeconds);
        else if (kills.All(x => Math.Abs((due[page.Id] - x).TotalSeconds) > 10))
            baseline.Add((arrived - due[page.Id]).TotalSeconds);
    }
    var twice = received.Where(r => r.Value.Count > 1).Select(r => r.Key).ToHashSet();
    var unmarked = pages.Count(p => twice.Contains(p.Key) && p.Repeats == 0);
    var keys = pages.Select(p => p.Key).ToHashSet();
    var result = new
    {
        rounds = kills.Count,
        alerts = fired,
        intakeRefusedOrFailed = refused,
        pagesExpected = expected,
        pagesSent = pages.Count(p => p.State == "sent"),
        pagesLost = pages.Count(p => !received.ContainsKey(p.Key)) + Math.Max(0, expected - pages.Count),
        keysReceivedThatAreNoMessage = received.Keys.Count(k => !keys.Contains(k)),
        messagesReceivedTwice = twice.Count,
        repeatsNotMarked = unmarked,
        takeover = Stats(affected),
        baseline = Stats(baseline),
    };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    return result.pagesLost == 0 && result.keysReceivedThatAreNoMessage == 0 && unmarked == 0 ? 0 : 1;
}
finally
{
    foreach (var node in nodes)
    {
        if (node is { HasExited: false })
            node.Kill();
    }
    listener.Stop();
}

static object Stats(List<double> values)
{
    if (values.Count == 0)
        return new { pages = 0 };
    values.Sort();
    double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    return new { pages = values.Count, minSeconds = Math.Round(values[0], 3), medianSeconds = Math.Round(At(0.5), 3), p99Seconds = Math.Round(At(0.99), 3), maxSeconds = Math.Round(values[^1], 3) };
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
