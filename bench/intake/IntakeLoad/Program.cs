using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IntakeLoad;

// Load generator for bench/intake/run.sh: drives Steady's Alertmanager webhook intake and
// Alertmanager's own /api/v2/alerts with the same batches of alerts, phase by phase, and reports
// accepted alerts/s, request latency, and what Steady's intake metrics say about its commits.
if (args is ["free-port"])
{
    // A free loopback port for run.sh (no python or ss needed).
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    Console.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port);
    return 0;
}

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(Options.Usage);
    return 2;
}

var targets = new List<Target>();
if (options.AlertmanagerUrl is not null)
    targets.Add(new Target("alertmanager", TargetKind.Alertmanager, options.AlertmanagerUrl.TrimEnd('/') + "/api/v2/alerts", options.AlertmanagerPid, null));
if (options.SteadyUrl is not null)
    targets.Add(new Target("steady", TargetKind.Steady, $"{options.SteadyUrl.TrimEnd('/')}/intake/{options.SteadyKey}/alertmanager", options.SteadyPid, options.SteadyUrl.TrimEnd('/') + "/metrics"));

var results = new List<RunResult>();
var steadyDistinct = new HashSet<long>();
long steadyEvents = 0, steadyAmbiguous = 0;
var phases = options.Prime > TimeSpan.Zero ? [Phase.Prime, .. options.Phases] : options.Phases;
foreach (var phase in phases)
{
    // Measured phases alternate between the servers in short slices (A B A B A B), so a burst of
    // other work on the shared machine falls on both rather than on whichever ran at that moment.
    var rounds = phase == Phase.Prime ? 1 : options.Rounds;
    var slices = targets.ToDictionary(t => t, _ => new List<Slice>());
    var states = targets.ToDictionary(t => t, _ => new RunState(options.Distinct));
    for (var round = 1; round <= rounds; round++)
    {
        foreach (var target in targets)
        {
            await Quiet.WaitAsync(options.WaitQuiet);
            // Priming gets Steady past .NET's JIT tiering (about 20-30 s under load here). Alertmanager is
            // compiled ahead of time and needs none; priming it as long would only fill its memory with
            // alerts and slow it down in the measured phases, so it gets a few seconds.
            var (warmup, measure) = phase == Phase.Prime
                ? (TimeSpan.Zero, target.Kind == TargetKind.Steady ? options.Prime : TimeSpan.FromSeconds(Math.Min(3, options.Prime.TotalSeconds)))
                : (options.Warmup, options.Duration / rounds);
            Console.Error.WriteLine(phase == Phase.Prime
                ? $"[{DateTime.UtcNow:HH:mm:ss}] priming {target.Name} with new alerts for {measure.TotalSeconds:0} s (not part of the bar)"
                : $"[{DateTime.UtcNow:HH:mm:ss}] {phase} alerts -> {target.Name}, round {round}/{rounds}: {options.Workers} workers, batches of {options.Batch}, {warmup.TotalSeconds:0} s warm-up + {measure.TotalSeconds:0.#} s");
            var slice = await Runner.RunAsync(options, target, phase, states[target], warmup, measure);
            slices[target].Add(slice);
            Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}]   {slice.WindowAlerts / slice.WindowSeconds:N0} alerts/s, errors {slice.Errors}, 429s {slice.TooMany}, other CPU {slice.OtherCores:0.00} cores");
        }
    }
    foreach (var target in targets)
    {
        var result = Runner.Combine(target, phase, slices[target]);
        results.Add(result);
        if (target.Kind == TargetKind.Steady)
        {
            if (phase == Phase.Repeated)
                steadyDistinct.UnionWith(Enumerable.Range(0, options.Distinct).Where(i => states[target].RepeatedAccepted[i]).Select(i => Keys.Repeated(i)));
            else
                steadyDistinct.UnionWith(slices[target].SelectMany(sl => sl.AcceptedUnique));
            steadyEvents += result.AcceptedAlertsTotal;
            steadyAmbiguous += result.AmbiguousAlerts;
        }
    }
}

var report = new Report(
    DateTimeOffset.UtcNow,
    Environment.ProcessorCount,
    options.Workers,
    options.Batch,
    options.Distinct,
    options.Prime.TotalSeconds,
    options.Rounds,
    options.Warmup.TotalSeconds,
    options.Duration.TotalSeconds,
    results,
    [.. options.Phases.Select(p => Ratio(p))],
    new StoredExpectation(steadyDistinct.Count, steadyEvents, steadyAmbiguous));

Console.WriteLine(Tables.Render(report));
if (options.JsonOut is not null)
    await File.WriteAllTextAsync(options.JsonOut, JsonSerializer.Serialize(report, Report.Json));
return results.Any(r => r.Phase != Phase.Prime && r.AcceptedAlertsInWindow == 0) ? 1 : 0;

PhaseRatio Ratio(Phase phase)
{
    var steady = results.FirstOrDefault(r => r.Phase == phase && r.Target == "steady");
    var am = results.FirstOrDefault(r => r.Phase == phase && r.Target == "alertmanager");
    return new PhaseRatio(phase, steady is null || am is null || am.AlertsPerSecond == 0 ? null : steady.AlertsPerSecond / am.AlertsPerSecond);
}

namespace IntakeLoad
{
    public enum TargetKind
    {
        Alertmanager,
        Steady,
    }

    public enum Phase
    {
        /// <summary>Unmeasured: new alerts for a few seconds so that both servers are warm (Steady's JIT tiers up).</summary>
        Prime,
        Unique,
        Repeated,
    }

    public sealed record Target(string Name, TargetKind Kind, string Url, int? Pid, string? MetricsUrl);

    public sealed class Options
    {
        public const string Usage = """
            usage: IntakeLoad --steady URL --steady-key KEY [--steady-pid PID]
                              --alertmanager URL [--alertmanager-pid PID]
                              [--workers 8] [--batch 100] [--distinct 1000] [--prime 20] [--rounds 3] [--warmup 2] [--duration 15]
                              [--phases unique,repeated] [--wait-quiet SECONDS] [--json FILE]
                   IntakeLoad free-port
            """;

        public string? SteadyUrl { get; private set; }

        public string? SteadyKey { get; private set; }

        public int? SteadyPid { get; private set; }

        public string? AlertmanagerUrl { get; private set; }

        public int? AlertmanagerPid { get; private set; }

        public int Workers { get; private set; } = 8;

        public int Batch { get; private set; } = 100;

        public int Distinct { get; private set; } = 1000;

        public TimeSpan Prime { get; private set; } = TimeSpan.FromSeconds(20);

        public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(2);

        /// <summary>Slices per server and phase: the measured time is split into this many alternating slices.</summary>
        public int Rounds { get; private set; } = 3;

        public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(15);

        public IReadOnlyList<Phase> Phases { get; private set; } = [Phase.Unique, Phase.Repeated];

        public string? JsonOut { get; private set; }

        /// <summary>Before each run, wait up to this long for the rest of the machine to be idle.</summary>
        public TimeSpan WaitQuiet { get; private set; } = TimeSpan.Zero;

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                var name = args[i];
                var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
                switch (name)
                {
                    case "--steady": o.SteadyUrl = value; break;
                    case "--steady-key": o.SteadyKey = value; break;
                    case "--steady-pid": o.SteadyPid = Positive(name, value); break;
                    case "--alertmanager": o.AlertmanagerUrl = value; break;
                    case "--alertmanager-pid": o.AlertmanagerPid = Positive(name, value); break;
                    case "--workers": o.Workers = Positive(name, value); break;
                    case "--batch": o.Batch = Positive(name, value); break;
                    case "--distinct": o.Distinct = Positive(name, value); break;
                    case "--prime": o.Prime = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                    case "--warmup": o.Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                    case "--duration": o.Duration = TimeSpan.FromSeconds(Positive(name, value)); break;
                    case "--json": o.JsonOut = value; break;
                    case "--rounds": o.Rounds = Positive(name, value); break;
                    case "--wait-quiet": o.WaitQuiet = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                    case "--phases":
                        o.Phases = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(p => Enum.TryParse<Phase>(p, ignoreCase: true, out var phase) && phase != Phase.Prime ? phase : throw new ArgumentException($"unknown phase '{p}'"))];
                        break;
                    default: throw new ArgumentException($"unknown option {name}");
                }
            }
            if (o.SteadyUrl is null && o.AlertmanagerUrl is null)
                throw new ArgumentException("give --steady and/or --alertmanager");
            if (o.SteadyUrl is not null && string.IsNullOrEmpty(o.SteadyKey))
                throw new ArgumentException("--steady needs --steady-key");
            if (o.Batch > 1000)
                throw new ArgumentException("--batch is at most 1000 (Steady's per-request limit)");
            if (o.Distinct < o.Batch)
                throw new ArgumentException("--distinct must be at least --batch, so a batch never repeats a fingerprint");
            return o;
        }

        private static int Positive(string name, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer");
    }

    public sealed record RunResult(
        string Target,
        Phase Phase,
        double WindowSeconds,
        long AcceptedAlertsInWindow,
        double AlertsPerSecond,
        long RequestsInWindow,
        double P50Ms,
        double P99Ms,
        double MaxMs,
        long AcceptedAlertsTotal,
        long Errors,
        long TooMany,
        long AmbiguousAlerts,
        string? FirstError,
        double? ServerCpuCores,
        double LoadCpuCores,
        double MachineBusyCores,
        long? ServerRssKb,
        long? ServerPeakRssKb,
        SteadyCommits? Commits);

    /// <summary>Steady's own view of the measured window, from its /metrics histograms.</summary>
    public sealed record SteadyCommits(
        long Commits,
        double StoredAlerts,
        double MeanBatchAlerts,
        double BatchP50Le,
        double BatchP99Le,
        double MeanCommitMs,
        double CommitP50LeMs,
        double CommitP99LeMs,
        double WriterBusyFraction,
        IReadOnlyList<DbCommandKind> DbCommands);

    /// <summary>Database commands Steady ran in the window (intake writer and request path together), by kind.</summary>
    public sealed record DbCommandKind(string Kind, long Commands, double Seconds);

    public sealed record PhaseRatio(Phase Phase, double? SteadyOverAlertmanager);

    public sealed record StoredExpectation(long DistinctAlerts, long Events, long AmbiguousAlerts);

    public sealed record Report(
        DateTimeOffset At,
        int Cores,
        int Workers,
        int Batch,
        int Distinct,
        double PrimeSeconds,
        int Rounds,
        double WarmupSeconds,
        double DurationSeconds,
        IReadOnlyList<RunResult> Runs,
        IReadOnlyList<PhaseRatio> Ratios,
        StoredExpectation SteadyExpected)
    {
        public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    }

    /// <summary>One server's share of a phase: a few seconds of load and what it measured.</summary>
    public sealed record Slice(
        double WindowSeconds,
        long WindowAlerts,
        long WindowRequests,
        IReadOnlyList<double> Latencies,
        long TotalAlerts,
        long Errors,
        long TooMany,
        long Ambiguous,
        string? FirstError,
        double? ServerCpuSeconds,
        double SelfCpuSeconds,
        double MachineBusySeconds,
        long? RssKb,
        long? PeakRssKb,
        Dictionary<string, double> MetricDeltas,
        IReadOnlyList<long> AcceptedUnique)
    {
        public double OtherCores => Math.Max(0, (MachineBusySeconds - (ServerCpuSeconds ?? 0) - SelfCpuSeconds) / WindowSeconds);
    }

    /// <summary>What a phase's load has sent so far, kept across its slices so unique alerts stay unique.</summary>
    public sealed class RunState(int distinct)
    {
        public long Next;

        public bool[] RepeatedAccepted { get; } = new bool[distinct];
    }

    public static class Runner
    {
        public static async Task<Slice> RunAsync(Options options, Target target, Phase phase, RunState state, TimeSpan warmup, TimeSpan measure)
        {
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = options.Workers,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            using var metricsClient = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

            var clock = Stopwatch.StartNew();
            var warmEnd = warmup;
            var end = warmup + measure;
            var workers = Enumerable.Range(0, options.Workers)
                .Select(_ => Task.Run(() => WorkerAsync(http, options, target, phase, state, clock, warmEnd, end)))
                .ToList();

            // Snapshot the server when the measured window opens and closes.
            await Task.Delay(warmEnd);
            var before = await Sample.TakeAsync(target, metricsClient);
            await Task.Delay(end - clock.Elapsed > TimeSpan.Zero ? end - clock.Elapsed : TimeSpan.Zero);
            var after = await Sample.TakeAsync(target, metricsClient);
            var outcomes = await Task.WhenAll(workers);
            return new Slice(
                (after.At - before.At).TotalSeconds,
                outcomes.Sum(o => o.WindowAlerts),
                outcomes.Sum(o => o.WindowRequests),
                [.. outcomes.SelectMany(o => o.Latencies)],
                outcomes.Sum(o => o.TotalAlerts),
                outcomes.Sum(o => o.Errors),
                outcomes.Sum(o => o.TooMany),
                outcomes.Sum(o => o.Ambiguous),
                outcomes.Select(o => o.FirstError).FirstOrDefault(e => e is not null),
                before.ServerCpu is { } c0 && after.ServerCpu is { } c1 ? c1 - c0 : null,
                after.SelfCpu - before.SelfCpu,
                after.MachineBusy - before.MachineBusy,
                after.RssKb,
                after.PeakRssKb,
                after.Metrics.ToDictionary(m => m.Key, m => m.Value - before.Metrics.GetValueOrDefault(m.Key), StringComparer.Ordinal),
                [.. outcomes.SelectMany(o => o.AcceptedUnique)]);
        }

        public static RunResult Combine(Target target, Phase phase, IReadOnlyList<Slice> slices)
        {
            var window = slices.Sum(s => s.WindowSeconds);
            var alerts = slices.Sum(s => s.WindowAlerts);
            var latencies = slices.SelectMany(s => s.Latencies).Order().ToArray();
            var deltas = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in slices.SelectMany(s => s.MetricDeltas))
                deltas[name] = deltas.GetValueOrDefault(name) + value;
            return new RunResult(
                target.Name,
                phase,
                window,
                alerts,
                alerts / window,
                slices.Sum(s => s.WindowRequests),
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.99),
                latencies.Length == 0 ? 0 : latencies[^1],
                slices.Sum(s => s.TotalAlerts),
                slices.Sum(s => s.Errors),
                slices.Sum(s => s.TooMany),
                slices.Sum(s => s.Ambiguous),
                slices.Select(s => s.FirstError).FirstOrDefault(e => e is not null),
                slices.All(s => s.ServerCpuSeconds is not null) ? slices.Sum(s => s.ServerCpuSeconds!.Value) / window : null,
                slices.Sum(s => s.SelfCpuSeconds) / window,
                slices.Sum(s => s.MachineBusySeconds) / window,
                slices[^1].RssKb,
                slices[^1].PeakRssKb,
                Sample.Commits(deltas, window));
        }

        private static double Percentile(double[] sorted, double p) =>
            sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

        private static async Task<WorkerOutcome> WorkerAsync(HttpClient http, Options options, Target target, Phase phase, RunState state, Stopwatch clock, TimeSpan warmEnd, TimeSpan end)
        {
            var outcome = new WorkerOutcome();
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            using var json = new Utf8JsonWriter(buffer);
            while (clock.Elapsed < end)
            {
                var start = Interlocked.Add(ref state.Next, options.Batch) - options.Batch;
                buffer.Clear();
                json.Reset(buffer);
                Bodies.Write(json, target.Kind, phase, start, options.Batch, options.Distinct, DateTime.UtcNow);
                json.Flush();

                using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                var sent = Stopwatch.GetTimestamp();
                int status;
                string? error = null;
                try
                {
                    using var response = await http.PostAsync(new Uri(target.Url), content);
                    status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    if (status is < 200 or > 299)
                        error = $"{status}: {(body.Length > 300 ? body[..300] : body)}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The server may or may not have stored these: counted apart, never as accepted.
                    outcome.Ambiguous += options.Batch;
                    outcome.Errors++;
                    outcome.FirstError ??= e.GetType().Name + ": " + e.Message;
                    continue;
                }
                var done = clock.Elapsed;
                var inWindow = done >= warmEnd && done <= end;
                if (status is >= 200 and <= 299)
                {
                    outcome.TotalAlerts += options.Batch;
                    if (phase != Phase.Repeated)
                    {
                        for (var j = 0; j < options.Batch; j++)
                            outcome.AcceptedUnique.Add(Keys.For(phase, start + j, options.Distinct));
                    }
                    else
                    {
                        for (var j = 0; j < options.Batch; j++)
                            state.RepeatedAccepted[(int)((start + j) % options.Distinct)] = true;
                    }
                    if (inWindow)
                    {
                        outcome.WindowAlerts += options.Batch;
                        outcome.WindowRequests++;
                        outcome.Latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                }
                else
                {
                    if (status == 429)
                        outcome.TooMany++;
                    else
                        outcome.Errors++;
                    outcome.FirstError ??= error;
                    if (inWindow)
                        outcome.Latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (status == 429)
                        await Task.Delay(50); // honour back-pressure a little instead of spinning
                }
            }
            return outcome;
        }

        private sealed class WorkerOutcome
        {
            public List<double> Latencies { get; } = new(8192);

            public List<long> AcceptedUnique { get; } = [];

            public long WindowAlerts { get; set; }

            public long WindowRequests { get; set; }

            public long TotalAlerts { get; set; }

            public long Errors { get; set; }

            public long TooMany { get; set; }

            public long Ambiguous { get; set; }

            public string? FirstError { get; set; }
        }
    }

    /// <summary>Identities of the synthetic alerts: unique ones are never sent twice; repeated ones cycle.</summary>
    public static class Keys
    {
        /// <summary>Differs per process, so a second run against the same server sends new alerts, not repeats.</summary>
        private static readonly long Run = (long)Random.Shared.Next(1, 1 << 15) << 40;

        public static long Unique(long index) => (1L << 56) | Run | index;

        public static long Repeated(long index) => (2L << 56) | Run | index;

        public static long Prime(long index) => (3L << 56) | Run | index;

        public static long For(Phase phase, long index, int distinct) => phase switch
        {
            Phase.Unique => Unique(index),
            Phase.Repeated => Repeated(index % distinct),
            _ => Prime(index),
        };

        public static string Fingerprint(long key) => key.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One request body: the same alerts for both targets, as Alertmanager's API takes them (a JSON
    /// array) or as Alertmanager's webhook (version 4) delivers them to a receiver such as Steady.
    /// </summary>
    public static class Bodies
    {
        private const string ZeroTime = "0001-01-01T00:00:00Z";

        public static void Write(Utf8JsonWriter json, TargetKind kind, Phase phase, long start, int count, int distinct, DateTime now)
        {
            var startsAt = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            if (kind == TargetKind.Steady)
            {
                json.WriteStartObject();
                json.WriteString("version", "4");
                json.WriteString("status", "firing");
                json.WriteString("receiver", "steady");
                json.WriteString("groupKey", "{}:{alertname=\"Bench\"}");
                json.WriteNumber("truncatedAlerts", 0);
                json.WriteStartObject("groupLabels");
                json.WriteEndObject();
                json.WriteStartObject("commonLabels");
                json.WriteString("job", "bench");
                json.WriteEndObject();
                json.WriteStartObject("commonAnnotations");
                json.WriteEndObject();
                json.WriteStartArray("alerts");
            }
            else
            {
                json.WriteStartArray();
            }
            for (var j = 0; j < count; j++)
            {
                var index = start + j;
                var key = Keys.For(phase, index, distinct);
                var n = key & ((1L << 56) - 1);
                json.WriteStartObject();
                if (kind == TargetKind.Steady)
                    json.WriteString("status", "firing");
                json.WriteStartObject("labels");
                json.WriteString("alertname", "Bench" + phase);
                json.WriteString("severity", "warning");
                json.WriteString("job", "bench");
                json.WriteString("instance", "host-" + (n % 500).ToString(CultureInfo.InvariantCulture) + ":9100");
                json.WriteString("id", n.ToString(CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.WriteStartObject("annotations");
                json.WriteString("summary", "Bench alert " + n.ToString(CultureInfo.InvariantCulture));
                json.WriteString("description", "Synthetic alert from bench/intake.");
                json.WriteEndObject();
                json.WriteString("startsAt", startsAt);
                json.WriteString("endsAt", ZeroTime);
                json.WriteString("generatorURL", "http://prometheus.bench:9090/graph?g0.expr=up%3D%3D0");
                if (kind == TargetKind.Steady)
                    json.WriteString("fingerprint", Keys.Fingerprint(key));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (kind == TargetKind.Steady)
            {
                json.WriteString("externalURL", "http://alertmanager.bench:9093");
                json.WriteEndObject();
            }
        }
    }

    /// <summary>A server's CPU, memory and (for Steady) intake metrics at one instant.</summary>
    public sealed record Sample(TimeSpan At, double? ServerCpu, double SelfCpu, double MachineBusy, long? RssKb, long? PeakRssKb, Dictionary<string, double> Metrics)
    {
        private static readonly Stopwatch Clock = Stopwatch.StartNew();

        public static async Task<Sample> TakeAsync(Target target, HttpClient http)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            if (target.MetricsUrl is not null)
            {
                try
                {
                    var text = await http.GetStringAsync(new Uri(target.MetricsUrl));
                    foreach (var line in text.Split('\n'))
                    {
                        if (!line.StartsWith("steady_intake_", StringComparison.Ordinal) && !line.StartsWith("steady_db_command_duration_seconds_", StringComparison.Ordinal))
                            continue;
                        var space = line.LastIndexOf(' ');
                        if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                            metrics[line[..space]] = v;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    await Console.Error.WriteLineAsync($"  (could not read {target.MetricsUrl}: {e.Message})");
                }
            }
            var at = Clock.Elapsed;
            return new Sample(
                at,
                target.Pid is { } pid ? CpuSeconds(pid) : null,
                Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
                MachineBusySeconds(),
                target.Pid is { } p1 ? StatusKb(p1, "VmRSS:") : null,
                target.Pid is { } p2 ? StatusKb(p2, "VmHWM:") : null,
                metrics);
        }

        /// <summary>utime + stime of a process (and its finished children's are not counted), in seconds.</summary>
        private static double? CpuSeconds(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                return ticks / 100.0; // USER_HZ is 100 on Linux
            }
            catch (IOException)
            {
                return null;
            }
        }

        /// <summary>CPU-seconds the whole machine spent busy (all cores, every process), from /proc/stat.</summary>
        public static double MachineBusySeconds()
        {
            try
            {
                var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // cpu user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
                var ticks = cpu.Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                return (ticks.Sum() - ticks[3] - ticks[4]) / 100.0;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private static long? StatusKb(int pid, string field)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith(field, StringComparison.Ordinal))
                        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
            return null;
        }

        public static SteadyCommits? Commits(Dictionary<string, double> deltas, double windowSeconds)
        {
            if (deltas.Count == 0)
                return null;
            double Delta(string name) => deltas.GetValueOrDefault(name);
            var commits = (long)Delta("steady_intake_batch_alerts_count");
            var alerts = Delta("steady_intake_batch_alerts_sum");
            var commitSeconds = Delta("steady_intake_commit_seconds_sum");
            return new SteadyCommits(
                commits,
                Delta("steady_intake_alerts_stored_total"),
                commits == 0 ? 0 : alerts / commits,
                BucketQuantile(deltas, "steady_intake_batch_alerts_bucket", 0.50),
                BucketQuantile(deltas, "steady_intake_batch_alerts_bucket", 0.99),
                commits == 0 ? 0 : commitSeconds / commits * 1000,
                BucketQuantile(deltas, "steady_intake_commit_seconds_bucket", 0.50) * 1000,
                BucketQuantile(deltas, "steady_intake_commit_seconds_bucket", 0.99) * 1000,
                commitSeconds / windowSeconds,
                [.. deltas.Keys
                    .Where(k => k.StartsWith("steady_db_command_duration_seconds_count{", StringComparison.Ordinal))
                    .Select(k => (Series: k, Kind: Label(k, "kind")))
                    .Select(k => new DbCommandKind(k.Kind, (long)Delta(k.Series), Delta(k.Series.Replace("_count{", "_sum{", StringComparison.Ordinal))))
                    .Where(k => k.Commands > 0)
                    .OrderBy(k => k.Kind, StringComparer.Ordinal)]);
        }

        private static string Label(string series, string name)
        {
            var at = series.IndexOf(name + "=\"", StringComparison.Ordinal);
            if (at < 0)
                return "?";
            at += name.Length + 2;
            return series[at..series.IndexOf('"', at)];
        }

        /// <summary>The upper bound ("le") of the histogram bucket holding quantile q of the window's observations.</summary>
        private static double BucketQuantile(Dictionary<string, double> deltas, string bucket, double q)
        {
            var buckets = deltas.Keys
                .Where(k => k.StartsWith(bucket + "{", StringComparison.Ordinal))
                .Select(k => (Le: Le(k), Count: deltas[k]))
                .OrderBy(b => b.Le)
                .ToList();
            var total = buckets.Count == 0 ? 0 : buckets[^1].Count;
            if (total <= 0)
                return 0;
            return buckets.First(b => b.Count >= q * total).Le;
        }

        private static double Le(string series) =>
            Label(series, "le") is var value && value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The benchmark shares the machine's cores: a build or test run beside it skews whichever server it overlaps.</summary>
    public static class Quiet
    {
        private const double IdleCores = 0.3;

        public static async Task WaitAsync(TimeSpan budget)
        {
            if (budget <= TimeSpan.Zero)
                return;
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var before = Sample.MachineBusySeconds();
                await Task.Delay(TimeSpan.FromSeconds(2));
                var busy = (Sample.MachineBusySeconds() - before) / 2;
                if (busy < IdleCores)
                    return;
                if (waited.Elapsed >= budget)
                {
                    Console.Error.WriteLine($"  the machine is still busy ({busy:0.00} cores): measuring anyway");
                    return;
                }
                Console.Error.WriteLine($"  waiting for the machine to go quiet ({busy:0.00} cores busy)");
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
    }

    public static class Tables
    {
        public static string Render(Report report)
        {
            var s = new StringBuilder();
            s.AppendLine(CultureInfo.InvariantCulture, $"Alert intake: {report.Workers} workers, batches of {report.Batch} alerts, {report.PrimeSeconds:0} s of priming for Steady (JIT warm-up; Alertmanager 3 s), then per phase {report.DurationSeconds:0} s measured per server in {report.Rounds} alternating slices (each after {report.WarmupSeconds:0} s of unmeasured warm-up); repeated = {report.Distinct:N0} fingerprints over and over; {report.Cores} cores shared by both servers and this load generator.");
            s.AppendLine();
            s.AppendLine("| phase | target | accepted alerts/s | p50 ms | p99 ms | max ms | requests | errors | 429s | server CPU (cores) | server CPU-ms per 1,000 alerts | load gen CPU (cores) | other CPU (cores) | server RSS MB (peak) |");
            s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var r in report.Runs)
            {
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Name(r.Phase)} | {r.Target} | {r.AlertsPerSecond:N0} | {r.P50Ms:0.0} | {r.P99Ms:0.0} | {r.MaxMs:0} | {r.RequestsInWindow:N0} | {r.Errors} | {r.TooMany} | {Cores(r.ServerCpuCores)} | {PerThousand(r)} | {r.LoadCpuCores:0.00} | {Math.Max(0, r.MachineBusyCores - (r.ServerCpuCores ?? 0) - r.LoadCpuCores):0.00} | {Mb(r.ServerRssKb)} ({Mb(r.ServerPeakRssKb)}) |");
            }
            s.AppendLine();
            var noisiest = report.Runs.Max(r => Math.Max(0, r.MachineBusyCores - (r.ServerCpuCores ?? 0) - r.LoadCpuCores));
            s.AppendLine(noisiest <= 0.1
                ? $"\"other CPU\" is everything else busy on the machine in the window (the idle peer, the kernel, any other work): at most {noisiest:0.00} cores, the machine was quiet."
                : $"\"other CPU\" is everything else busy on the machine in the window (the idle peer, the kernel, any other work): up to {noisiest:0.00} cores, so the machine was NOT quiet and the rows with high values are low; re-run with WAIT_QUIET=300.");
            s.AppendLine();
            foreach (var ratio in report.Ratios)
                s.AppendLine(CultureInfo.InvariantCulture, $"ratio Steady / Alertmanager, {ratio.Phase.ToString().ToLowerInvariant()}: {(ratio.SteadyOverAlertmanager is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}");
            var commits = report.Runs.Where(r => r.Commits is not null).ToList();
            if (commits.Count > 0)
            {
                s.AppendLine();
                s.AppendLine("Steady's group commit in the measured window (from /metrics; p50/p99 are histogram bucket bounds):");
                s.AppendLine();
                s.AppendLine("| phase | commits | alerts/commit mean | alerts/commit p50 / p99 (≤) | commit ms mean | commit ms p50 / p99 (≤) | writer busy |");
                s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
                foreach (var r in commits)
                {
                    var c = r.Commits!;
                    s.AppendLine(CultureInfo.InvariantCulture,
                        $"| {Name(r.Phase)} | {c.Commits:N0} | {c.MeanBatchAlerts:0} | {c.BatchP50Le:0} / {c.BatchP99Le:0} | {c.MeanCommitMs:0.0} | {c.CommitP50LeMs:0.#} / {c.CommitP99LeMs:0.#} | {c.WriterBusyFraction:P0} |");
                }
                s.AppendLine();
                s.AppendLine("Database commands Steady ran in the window (writer and request path together):");
                s.AppendLine();
                s.AppendLine("| phase | kind | commands | per alert | total s | mean µs |");
                s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
                foreach (var r in commits)
                {
                    foreach (var k in r.Commits!.DbCommands)
                    {
                        s.AppendLine(CultureInfo.InvariantCulture,
                            $"| {Name(r.Phase)} | {k.Kind} | {k.Commands:N0} | {(r.Commits.StoredAlerts == 0 ? 0 : k.Commands / r.Commits.StoredAlerts):0.00} | {k.Seconds:0.00} | {(k.Commands == 0 ? 0 : k.Seconds / k.Commands * 1e6):0} |");
                    }
                }
            }
            var errors = report.Runs.Where(r => r.FirstError is not null).ToList();
            foreach (var r in errors)
                s.AppendLine(CultureInfo.InvariantCulture, $"first error from {r.Target} ({r.Phase}): {r.FirstError}");
            return s.ToString();
        }

        private static string Name(Phase phase) => phase == Phase.Prime ? "prime (cold start, not the bar)" : phase.ToString().ToLowerInvariant();

        /// <summary>What a thousand accepted alerts cost the server in CPU: steadier than alerts/s when the machine is shared.</summary>
        private static string PerThousand(RunResult r) =>
            r.ServerCpuCores is { } c && r.AlertsPerSecond > 0 ? (c / r.AlertsPerSecond * 1e6).ToString("N0", CultureInfo.InvariantCulture) : "n/a";

        private static string Cores(double? cores) => cores is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

        private static string Mb(long? kb) => kb is { } k ? (k / 1024).ToString(CultureInfo.InvariantCulture) : "n/a";
    }
}
