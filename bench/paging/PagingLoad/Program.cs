// The driver of bench/paging/run.sh: sets up a paging world on a running Steady through its API,
// receives pages on a loopback webhook receiver, and measures
//   1. alert received -> page received (p50/p99) with background intake load, and
//   2. escalation lateness (step 2 received - step 1 received - its wait) with many open alerts.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

if (args is ["free-port"])
{
    Console.WriteLine(FreePort());
    return 0;
}
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var url = Opt("url", "http://127.0.0.1:8080");
var token = Opt("token", "");
var dbPath = Opt("db", "");
var rate = int.Parse(Opt("rate", "200"), CultureInfo.InvariantCulture);
var probes = int.Parse(Opt("probes", "300"), CultureInfo.InvariantCulture);
var open = int.Parse(Opt("open", "50000"), CultureInfo.InvariantCulture);
var lateProbes = int.Parse(Opt("late-probes", "100"), CultureInfo.InvariantCulture);
const int WaitSeconds = 3;

var clock = Stopwatch.StartNew();
var received = new ConcurrentDictionary<string, (string Path, double At)>();
using var listener = new HttpListener();
var hookPort = FreePort();
var hookRoot = $"http://127.0.0.1:{hookPort}/";
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
            var at = clock.Elapsed.TotalMilliseconds;
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            using var json = JsonDocument.Parse(body.ToArray());
            // One alert group reads as its summary; a bundle of several as their titles ("alertname=X; alertname=Y").
            var summary = json.RootElement.GetProperty("summary").GetString() ?? "";
            foreach (var part in summary.Split("; "))
                received.TryAdd((context.Request.RawUrl ?? "") + " " + part.Replace("alertname=", "", StringComparison.Ordinal), (context.Request.RawUrl ?? "", at));
            context.Response.StatusCode = 200;
            context.Response.Close();
        });
    }
});

using var http = new HttpClient { BaseAddress = new Uri(url) };
http.DefaultRequestHeaders.Authorization = new("Bearer", token);
async Task<JsonElement> Post(string path, object body)
{
    var response = await http.PostAsJsonAsync(path, body);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
}
async Task Patch(string path, object body) => (await http.PatchAsJsonAsync(path, body)).EnsureSuccessStatusCode();

// ---- the world -------------------------------------------------------------------------------------
var team = (await Post("/api/v1/teams", new { name = "bench" })).GetProperty("id").GetGuid();
async Task<Guid> Person(string name, bool hook)
{
    var id = (await Post("/api/v1/users", new { name, email = $"{name}@bench.test", timeZone = "Etc/UTC" })).GetProperty("id").GetGuid();
    if (hook)
        await Post($"/api/v1/users/{id}/contact-methods", new { kind = "webhook", label = "bench", address = hookRoot + name });
    return id;
}
await Person("primary", true);
await Person("secondary", true);
await Person("bulk", false); // no contact method: its step is planned and recorded, nothing is sent
var probePolicy = (await Post("/api/v1/escalation-policies", new { name = "probe", team = "bench", escalation_chain = new object[] { new { notify = "primary@bench.test", wait = "1m" }, new { notify = "secondary@bench.test", wait = "1m" } } })).GetProperty("id").GetGuid();
// Two steps, so each open alert's run stays live after its first step, its next step a day away.
var bulkPolicy = (await Post("/api/v1/escalation-policies", new { name = "bulk", team = "bench", escalation_chain = new object[] { new { notify = "bulk@bench.test", wait = "1d" }, new { notify = "bulk@bench.test", wait = "1d" } } })).GetProperty("id").GetGuid();
// The API's shortest wait is a minute; the benchmark shortens the probe policy's in the database.
Sqlite($"UPDATE escalation_policies SET steps = replace(steps, '\"waitSeconds\":60', '\"waitSeconds\":{WaitSeconds}') WHERE name = 'probe';");
async Task<string> Service(string name, Guid? policy)
{
    var id = (await Post("/api/v1/services", new { name, teamId = team })).GetProperty("id").GetGuid();
    await Patch($"/api/v1/services/{id}", policy is null ? new { groupBy = new[] { "alertname" } } : new { groupBy = new[] { "alertname" }, escalationPolicy = policy.ToString() });
    return (await Post($"/api/v1/services/{id}/integration-keys", new { name = "bench" })).GetProperty("key").GetString()!;
}
var probeKey = await Service("probe", probePolicy);
var backgroundKey = await Service("background", null);
// The open alerts are spread over services of 500 groups each (intake looks at a service's open groups per batch).
var bulkKeys = new List<string>();
for (var i = 0; i < (open + 499) / 500; i++)
    bulkKeys.Add(await Service($"bulk-{i}", bulkPolicy));

using var intake = new HttpClient { BaseAddress = new Uri(url) };
async Task Fire(string key, IEnumerable<(string Name, string Summary)> alerts)
{
    var body = alerts.Select(a => new { summary = a.Summary, dedup_key = a.Name, severity = "critical", labels = new Dictionary<string, string> { ["alertname"] = a.Name } }).ToArray();
    using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
    var response = await intake.PostAsync($"/intake/{key}/generic", content);
    if (response.StatusCode != HttpStatusCode.Accepted)
        throw new InvalidOperationException($"intake: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

// ---- 1. alert received -> page received, with background load -----------------------------------------
var round = 0;
async Task<ProbeRound> Probes(string prefix)
{
    var stop = new CancellationTokenSource();
    var backgroundSent = 0;
    var batchRound = round++;
    var background = Task.WhenAll(Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
    {
        // RATE alerts/s from 4 senders, each a batch every 50 ms (RATE/80 alerts on average; the fraction is
        // carried, so 200/s is 200/s and not 4 x 20 x 2 = 160): new alerts and repeats of earlier ones. A batch
        // is sent on its tick whether or not the previous answer came back, so slow answers do not lower the rate.
        var next = clock.Elapsed.TotalMilliseconds;
        var n = 0;
        var owed = 0.0;
        var sending = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            owed += Math.Max(1, rate) / 80.0;
            var size = (int)owed;
            owed -= size;
            if (size > 0)
            {
                var batch = Enumerable.Range(0, size).Select(_ => { var i = n++; var key = i % 2 == 0 ? $"bg{batchRound}-{sender}-{i}" : $"bg{batchRound}-{sender}-{i % 500}"; return (key, "background " + key); }).ToList();
                sending.Add(Task.Run(async () =>
                {
                    await Fire(backgroundKey, batch);
                    Interlocked.Add(ref backgroundSent, batch.Count);
                }));
            }
            next += 50;
            var wait = next - clock.Elapsed.TotalMilliseconds;
            if (wait > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(wait));
        }
        await Task.WhenAll(sending);
    })));
    await Task.Delay(3000); // the background load settles first
    var probeStart = clock.Elapsed.TotalMilliseconds;
    var sentBeforeProbes = Volatile.Read(ref backgroundSent); // the rate is reported over the probes' time only
    var sentAt = new Dictionary<string, double>();
    var accepted = new List<double>();
    for (var i = 0; i < probes + 20; i++)
    {
        var name = $"{prefix}-{i}";
        var before = clock.Elapsed.TotalMilliseconds;
        await Fire(probeKey, [(name, name)]);
        if (i >= 20) // the first 20 warm up
        {
            sentAt[name] = before;
            accepted.Add(clock.Elapsed.TotalMilliseconds - before);
        }
        await Task.Delay(100);
    }
    var deadline = clock.Elapsed.TotalSeconds + 30;
    while (sentAt.Keys.Any(k => !received.ContainsKey("/primary " + k)) && clock.Elapsed.TotalSeconds < deadline)
        await Task.Delay(50);
    var backgroundSeconds = (clock.Elapsed.TotalMilliseconds - probeStart) / 1000;
    await stop.CancelAsync();
    await background;
    var latency = new List<double>();
    foreach (var (name, at) in sentAt)
    {
        if (received.TryGetValue("/primary " + name, out var got))
            latency.Add(got.At - at);
    }
    return new ProbeRound(sentAt, latency, accepted, sentAt.Count - latency.Count, Math.Round((backgroundSent - sentBeforeProbes) / backgroundSeconds));
}

if (Opt("reports-from", "") is { Length: > 0 } reportsFrom)
    return await DuringReports(reportsFrom);

var first = await Probes("probe");
var (sentAt, latency, lost) = (first.SentAt, first.Latency, first.Lost);

// Escalation of the same probes: step 2 is due WaitSeconds after step 1 went out.
var lateness1 = Lateness(sentAt.Keys);

// ---- 2. escalation lateness with many open alerts ----------------------------------------------------
var loadStart = clock.Elapsed.TotalSeconds;
for (var i = 0; i < open; i += 500)
    await Fire(bulkKeys[i / 500], Enumerable.Range(i, Math.Min(500, open - i)).Select(j => ($"bulk-{j}", $"bulk alert {j}")));
var acceptedIn = clock.Elapsed.TotalSeconds - loadStart;
// Wait until every bulk group's first step ran (each records one delivery).
while (true)
{
    var metrics = await http.GetStringAsync("/metrics");
    var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("steady_escalation_lateness_seconds_count", StringComparison.Ordinal));
    var count = line is null ? 0 : double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    if (count >= open + 2 * (probes + 20) || clock.Elapsed.TotalSeconds - loadStart > 900)
        break;
    await Task.Delay(500);
}
var settledIn = clock.Elapsed.TotalSeconds - loadStart;
var lateSent = new List<string>();
for (var i = 0; i < lateProbes; i++)
{
    var name = $"late-{i}";
    await Fire(probeKey, [(name, name)]);
    lateSent.Add(name);
    await Task.Delay(100);
}
var deadline = clock.Elapsed.TotalSeconds + 60;
while (lateSent.Any(k => !received.ContainsKey("/secondary " + k)) && clock.Elapsed.TotalSeconds < deadline)
    await Task.Delay(100);
var lateness2 = Lateness(lateSent);

var result = new
{
    backgroundAlertsPerSecond = first.BackgroundPerSecond,
    probes = latency.Count,
    probesLost = lost,
    pageP50Ms = Percentile(latency, 50),
    pageP99Ms = Percentile(latency, 99),
    pageMaxMs = latency.Count == 0 ? 0 : Math.Round(latency.Max(), 1),
    escalationUnderLoad = new { steps = lateness1.Count, p50Ms = Percentile(lateness1, 50), p99Ms = Percentile(lateness1, 99) },
    openAlerts = open,
    openAlertsAcceptedSeconds = Math.Round(acceptedIn, 1),
    openAlertsFirstStepsDoneSeconds = Math.Round(settledIn, 1),
    escalationWithOpenAlerts = new { steps = lateness2.Count, p50Ms = Percentile(lateness2, 50), p99Ms = Percentile(lateness2, 99), maxMs = lateness2.Count == 0 ? 0 : Math.Round(lateness2.Max(), 1) },
};
Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
listener.Stop();
return lost == 0 && lateness2.Count == lateProbes ? 0 : 1;

// Bench/reports/during.sh: the probes (alert -> page, and the probe's own intake answer) first with nothing else
// asked, then while another client asks for the three reports (noise, on-call, response) over the year back to back.
async Task<int> DuringReports(string from)
{
    var gc0 = await GcFigures();
    var quiet = await Probes("quiet");
    var gc1 = await GcFigures();
    var stopReports = new CancellationTokenSource();
    var times = new List<(string Report, double Seconds)>();
    var reporting = Task.Run(async () =>
    {
        using var reports = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        reports.DefaultRequestHeaders.Authorization = new("Bearer", token);
        while (!stopReports.IsCancellationRequested)
        {
            foreach (var report in new[] { "noise", "oncall", "response" })
            {
                var started = clock.Elapsed.TotalSeconds;
                (await reports.GetAsync($"/api/v1/reports/{report}?from={from}")).EnsureSuccessStatusCode();
                times.Add((report, Math.Round(clock.Elapsed.TotalSeconds - started, 2)));
            }
        }
    });
    await Task.Delay(1000); // the first report is under way
    var loaded = await Probes("reports");
    await stopReports.CancelAsync();
    await reporting;
    var gc2 = await GcFigures();
    object Round(ProbeRound r, Dictionary<string, double> gcBefore, Dictionary<string, double> gcAfter) => new
    {
        gc = gcAfter.ToDictionary(g => g.Key, g => Math.Round(g.Value - gcBefore.GetValueOrDefault(g.Key), 3)),
        backgroundAlertsPerSecond = r.BackgroundPerSecond,
        probes = r.Latency.Count,
        probesLost = r.Lost,
        intakeP50Ms = Percentile(r.Accepted, 50),
        intakeP99Ms = Percentile(r.Accepted, 99),
        intakeMaxMs = r.Accepted.Count == 0 ? 0 : Math.Round(r.Accepted.Max(), 1),
        pageP50Ms = Percentile(r.Latency, 50),
        pageP99Ms = Percentile(r.Latency, 99),
        pageMaxMs = r.Latency.Count == 0 ? 0 : Math.Round(r.Latency.Max(), 1),
        // The five slowest pages, by probe (its alert's dedup key): when each was sent in the run, to look them up in the database.
        slowest = r.SentAt.Where(s => received.ContainsKey("/primary " + s.Key))
            .Select(s => new { probe = s.Key, sentAtMs = Math.Round(s.Value), pageMs = Math.Round(received["/primary " + s.Key].At - s.Value, 1) })
            .OrderByDescending(p => p.pageMs).Take(5).ToList(),
    };
    var result = new
    {
        quiet = Round(quiet, gc0, gc1),
        duringReports = Round(loaded, gc1, gc2),
        reports = times.GroupBy(t => t.Report).ToDictionary(g => g.Key, g => g.Select(t => t.Seconds).ToList()),
    };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    return quiet.Lost == 0 && loaded.Lost == 0 ? 0 : 1;
}

// The server's garbage collections so far (counts by generation, pause time), from its /metrics.
async Task<Dictionary<string, double>> GcFigures()
{
    var metrics = await http.GetStringAsync("/metrics");
    return metrics.Split('\n')
        .Where(l => !l.StartsWith('#') && (l.Contains("collection_count", StringComparison.Ordinal) || l.Contains("gc_pause", StringComparison.Ordinal)))
        .Select(l => l.Split(' '))
        .Where(p => p.Length == 2 && double.TryParse(p[1], CultureInfo.InvariantCulture, out _))
        .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
}

List<double> Lateness(IEnumerable<string> names)
{
    var list = new List<double>();
    foreach (var name in names)
    {
        if (received.TryGetValue("/primary " + name, out var first) && received.TryGetValue("/secondary " + name, out var second))
            list.Add(second.At - first.At - WaitSeconds * 1000);
    }
    return list;
}

static double Percentile(List<double> values, int p)
{
    if (values.Count == 0)
        return double.NaN;
    var sorted = values.Order().ToList();
    var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
    return Math.Round(sorted[Math.Clamp(index, 0, sorted.Count - 1)], 1);
}

void Sqlite(string sql)
{
    using var process = Process.Start(new ProcessStartInfo("sqlite3", [dbPath, sql]) { RedirectStandardError = true })!;
    var error = process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
        throw new InvalidOperationException("sqlite3: " + error);
}

static int FreePort()
{
    using var socket = new TcpListener(IPAddress.Loopback, 0);
    socket.Start();
    return ((IPEndPoint)socket.LocalEndpoint).Port;
}

/// <summary>One round of probes: when each was sent, alert -> page (ms), each probe's intake answer (ms), probes never paged, the background rate.</summary>
internal sealed record ProbeRound(Dictionary<string, double> SentAt, List<double> Latency, List<double> Accepted, int Lost, double BackgroundPerSecond);
