using System.Globalization;
using System.Text.RegularExpressions;
using Steady.Agent.Checks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Steady.Agent;

/// <summary>
/// Reads the agent's YAML (see src/Steady.Agent/README.md). Every mistake is reported with its
/// line — unknown keys too, so a misspelt "threshhold" is not silently a default.
/// </summary>
public static class AgentConfigReader
{
    public static AgentConfig Read(string yaml, string origin, IReadOnlyDictionary<string, string?> environment)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new AgentConfigException($"{origin}: line {e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new AgentConfigException($"{origin}: expected a mapping with server, integrationKey and checks");
        var map = new Map(root, origin, "");
        var serverText = map.String("server") ?? environment.GetValueOrDefault("STEADY_SERVER") ?? throw map.Error(root, "server is missing (the Steady server's URL)");
        if (!Uri.TryCreate(serverText.TrimEnd('/'), UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            throw map.Error(map.Node("server") ?? root, $"server '{serverText}' is not an http:// or https:// URL");
        var key = map.String("integrationKey") ?? environment.GetValueOrDefault("STEADY_INTEGRATION_KEY")
            ?? throw map.Error(root, "integrationKey is missing (the service's integration key; or set STEADY_INTEGRATION_KEY)");
        var host = map.String("host") ?? Environment.MachineName;
        var interval = map.Duration("interval", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var heartbeat = map.Section("heartbeat");
        var config = new AgentConfig
        {
            Server = server,
            IntegrationKey = key.Trim(),
            Host = host,
            Interval = interval,
            HeartbeatName = heartbeat?.String("name") ?? host,
            HeartbeatInterval = heartbeat?.Duration("interval", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)) ?? TimeSpan.FromSeconds(60),
            HeartbeatGrace = heartbeat?.Duration("grace", TimeSpan.FromSeconds(60), TimeSpan.Zero, TimeSpan.FromDays(1)) ?? TimeSpan.FromSeconds(60),
            Buffer = map.Int("buffer", 1000, 1, 100_000),
            MaxBackoff = map.Duration("maxBackoff", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            Reassert = map.Duration("reassert", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7)),
            StatePath = map.String("state"),
            Root = map.String("root") ?? "/",
            Checks = ReadChecks(map),
        };
        heartbeat?.Done();
        map.Done();
        return config;
    }

    private static List<ICheck> ReadChecks(Map map)
    {
        var checks = new List<ICheck>();
        if (map.Node("checks") is not { } node)
            return checks;
        if (node is not YamlSequenceNode list)
            throw map.Error(node, "checks must be a list");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (list.Children[i] is not YamlMappingNode item)
                throw map.Error(list.Children[i], $"checks[{i}] must be a mapping with a type");
            var c = new Map(item, map.Origin, $"checks[{i}].");
            var type = c.String("type") ?? throw c.Error(item, $"checks[{i}] has no type (systemd, filesystem, memory-pressure, oom, journal-burst or http)");
            var name = c.String("name") ?? type;
            if (!Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"))
                throw c.Error(c.Node("name") ?? item, $"checks[{i}].name '{name}' must be letters, digits, '.', '_' or '-'");
            if (!names.Add(name))
                throw c.Error(item, $"checks[{i}]: two checks are named '{name}'; give one a name:");
            var severity = c.OneOf("severity", null, "critical", "error", "warning", "info");
            ICheck check = type switch
            {
                "systemd" => new SystemdCheck(name, severity ?? "error", c.Strings("ignore")),
                "filesystem" => new FilesystemCheck(name, severity ?? "error", c.Strings("mounts"),
                    c.Double("threshold", 90, 1, 100), c.DoubleOrNull("fillHours", 0.1, 24 * 30), c.Duration("growthWindow", TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1))),
                "memory-pressure" => new MemoryPressureCheck(name, severity ?? "warning", c.Double("threshold", 10, 0.1, 100)),
                "oom" => new OomCheck(name, severity ?? "error", c.Duration("quiet", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1))),
                "journal-burst" => new JournalBurstCheck(name, severity ?? "error", c.Regex("pattern"), c.String("unit"),
                    c.Int("count", 10, 0, 10_000_000), c.Duration("window", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)), c.Strings("files")),
                "http" => new HttpCheck(name, severity ?? "critical", c.Url("url"), c.IntOrNull("expectStatus", 100, 599), c.String("contains"),
                    c.Duration("timeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1))),
                _ => throw c.Error(c.Node("type")!, $"checks[{i}].type '{type}' is not one of systemd, filesystem, memory-pressure, oom, journal-burst, http"),
            };
            c.Done();
            checks.Add(check);
        }
        return checks;
    }

    /// <summary>One YAML mapping: typed reads with line numbers, and a check that no key went unread.</summary>
    private sealed class Map(YamlMappingNode node, string origin, string prefix)
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public string Origin { get; } = origin;

        public YamlNode? Node(string key)
        {
            _read.Add(key);
            return node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
        }

        public AgentConfigException Error(YamlNode at, string message) => new($"{Origin}: line {at.Start.Line}: {message}");

        public string? String(string key)
        {
            var value = Node(key);
            if (value is null || value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" })
                return null;
            return value is YamlScalarNode scalar ? scalar.Value!.Trim() : throw Error(value, $"{prefix}{key} must be a single value");
        }

        public Map? Section(string key) => Node(key) switch
        {
            null => null,
            YamlMappingNode m => new Map(m, Origin, $"{prefix}{key}."),
            var other => throw Error(other, $"{prefix}{key} must be a mapping"),
        };

        public IReadOnlyList<string> Strings(string key) => Node(key) switch
        {
            null => [],
            YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value) => [s.Value.Trim()],
            YamlSequenceNode list => [.. list.Children.Select(c => c is YamlScalarNode { Value: { } v } && !string.IsNullOrWhiteSpace(v) ? v.Trim() : throw Error(c, $"{prefix}{key} must be a list of words"))],
            var other => throw Error(other, $"{prefix}{key} must be a list"),
        };

        public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
        {
            if (String(key) is not { } text)
                return fallback;
            if (!TryDuration(text, out var value) || value < min || value > max)
                throw Error(Node(key)!, $"{prefix}{key} '{text}' must be a duration between {Show(min)} and {Show(max)}, like 30s, 5m or 1h");
            return value;
        }

        public int Int(string key, int fallback, int min, int max) => IntOrNull(key, min, max) ?? fallback;

        public int? IntOrNull(string key, int min, int max)
        {
            if (String(key) is not { } text)
                return null;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                throw Error(Node(key)!, $"{prefix}{key} '{text}' must be a whole number from {min} to {max}");
            return value;
        }

        public double Double(string key, double fallback, double min, double max) => DoubleOrNull(key, min, max) ?? fallback;

        public double? DoubleOrNull(string key, double min, double max)
        {
            if (String(key) is not { } text)
                return null;
            if (!double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                throw Error(Node(key)!, $"{prefix}{key} '{text}' must be a number from {min} to {max}");
            return value;
        }

        public string? OneOf(string key, string? fallback, params string[] words)
        {
            if (String(key) is not { } text)
                return fallback;
            return words.Contains(text) ? text : throw Error(Node(key)!, $"{prefix}{key} '{text}' must be one of {string.Join(", ", words)}");
        }

        public Regex Regex(string key)
        {
            var text = String(key) ?? throw Error(node, $"{prefix}{key} is missing (the text or regular expression to count)");
            try
            {
                return new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException e)
            {
                throw Error(Node(key)!, $"{prefix}{key} is not a regular expression: {e.Message}");
            }
        }

        public Uri Url(string key)
        {
            var text = String(key) ?? throw Error(node, $"{prefix}{key} is missing");
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw Error(Node(key)!, $"{prefix}{key} '{text}' is not an http:// or https:// URL");
        }

        /// <summary>Every key must have been read: an unknown one is a mistake to point out, not to ignore.</summary>
        public void Done()
        {
            foreach (var (k, _) in node.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && !_read.Contains(name))
                    throw Error(k, $"unknown key '{prefix}{name}'");
            }
        }

        private static string Show(TimeSpan t) =>
            t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours:0}h" : t.TotalMinutes >= 1 && t.TotalMinutes % 1 == 0 ? $"{t.TotalMinutes:0}m" : t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#}s" : $"{t.TotalMilliseconds:0}ms";
    }

    /// <summary>"30", "30s", "5m", "1h", "1d", "500ms".</summary>
    public static bool TryDuration(string text, out TimeSpan value)
    {
        value = default;
        var t = text.Trim();
        var (number, factor) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : t.EndsWith('d') ? (t[..^1], 86400.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            return false;
        value = TimeSpan.FromSeconds(n * factor);
        return true;
    }
}
