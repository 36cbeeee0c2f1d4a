using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Steady.Host.Journal;

/// <summary>
/// The journal through `journalctl -o json` where libsystemd cannot be loaded: the same matches
/// (FIELD=value, + between units), the window as --since/--until @seconds (then cut to the
/// microsecond here), only the fields the entries use (--output-fields), one JSON object a line.
/// </summary>
public sealed class JournalctlReader(string program = "journalctl") : JournalReader
{
    internal static readonly string[] Fields = ["MESSAGE", "PRIORITY", "_HOSTNAME", "_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "_COMM", "_PID", "_TRANSPORT", "MESSAGE_ID", "UNIT", "USER_UNIT"];

    /// <summary>Chosen because libsystemd could not be loaded, which the source then says.</summary>
    public bool Fallback { get; init; }

    public override string Source => Fallback ? $"{JournalctlSource} (libsystemd.so.0 could not be loaded)" : JournalctlSource;

    public override IEnumerable<JournalEntry> Read(JournalQuery query, CancellationToken cancellationToken = default)
    {
        foreach (var file in query.Files)
        {
            if (!File.Exists(file))
                throw new JournalException($"no journal file {file}");
        }
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in Arguments(query))
            start.ArgumentList.Add(arg);
        start.Environment["SYSTEMD_COLORS"] = "0";
        start.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new JournalException($"{program} did not start");
        }
        catch (Win32Exception e)
        {
            throw new JournalException($"cannot run {program}: {e.Message}");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            var finished = false;
            try
            {
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (line.Length == 0 || line[0] != '{')
                        continue;
                    var entry = Parse(line);
                    if (entry is null || (query.Since is { } since && entry.At < since))
                        continue;
                    if (query.Until is { } until && entry.At >= until)
                        break;
                    yield return entry;
                }
                process.WaitForExit();
                finished = true;
                if (process.ExitCode != 0)
                {
                    var text = error.IsCompletedSuccessfully ? error.Result : "";
                    var first = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {process.ExitCode}";
                    throw new JournalException($"{program} failed: {first}");
                }
            }
            finally
            {
                if (!finished && !process.HasExited)
                {
                    try
                    {
                        process.Kill();
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
            }
        }
    }

    internal static List<string> Arguments(JournalQuery query)
    {
        var args = new List<string> { "-o", "json", "--no-pager", "--output-fields=" + string.Join(',', Fields) };
        foreach (var file in query.Files)
            args.Add("--file=" + Path.GetFullPath(file));
        if (query.Since is { } since)
            args.Add("--since=@" + (since.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture));
        if (query.Until is { } until)
            args.Add("--until=@" + (until.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture));
        var first = true;
        foreach (var match in query.Matches)
        {
            if (!first)
                args.Add("+");
            first = false;
            args.Add(match);
        }
        return args;
    }

    /// <summary>One line of `journalctl -o json`; null when it is not an entry.</summary>
    internal static JournalEntry? Parse(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        string? S(string name) => root.TryGetProperty(name, out var value) ? Text(value) : null;
        if (!ulong.TryParse(S("__REALTIME_TIMESTAMP"), NumberStyles.None, CultureInfo.InvariantCulture, out var realtime))
            return null;
        _ = ulong.TryParse(S("__MONOTONIC_TIMESTAMP"), NumberStyles.None, CultureInfo.InvariantCulture, out var monotonic);
        int? I(string name) => int.TryParse(S(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new JournalEntry(
            SdJournalReader.FromUsec(realtime),
            S("_BOOT_ID") ?? "",
            monotonic,
            S("_HOSTNAME"), S("_SYSTEMD_UNIT"), S("SYSLOG_IDENTIFIER"), S("_COMM"), I("_PID"),
            I("PRIORITY") is { } p && p is >= 0 and <= 7 ? p : null,
            S("_TRANSPORT"), S("MESSAGE_ID"), S("UNIT") ?? S("USER_UNIT"), S("MESSAGE") ?? "");
    }

    /// <summary>A field's value: a string; bytes (not UTF-8) as an array of numbers; the first of a repeated field.</summary>
    private static string? Text(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                var items = value.EnumerateArray().ToList();
                if (items.Count > 0 && items.All(i => i.ValueKind == JsonValueKind.Number))
                    return Encoding.UTF8.GetString([.. items.Select(i => (byte)i.GetInt32())]);
                return items.Count > 0 ? Text(items[0]) : null;
            default:
                return null;
        }
    }
}
