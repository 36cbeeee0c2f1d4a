using System.Diagnostics;
using System.Text.Json;
using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>
/// Failed systemd units. systemd keeps unit state in its memory and shows it only over D-Bus, so
/// this one step runs `systemctl list-units --failed --output=json` (the snapshot's only child
/// process), and only when systemd is the init system (/run/systemd/system exists, as sd_booted()).
/// </summary>
internal static class SystemdCollector
{
    public const string NotRunning = "systemd not running";
    public const string Source = "systemctl list-units --failed --output=json (spawned: systemd shows unit state only over D-Bus)";

    public static SystemdReport Collect(IHostFiles files, Func<TimeSpan, string?>? systemctl, StepBudget budget)
    {
        if (!files.Exists("run/systemd/system"))
            return new SystemdReport(false, null, [], NotRunning);
        if (systemctl is null)
            return new SystemdReport(true, null, [], $"not checked: systemctl can only ask the running system, and the root is {files.Root}");
        var output = systemctl(budget.Remaining);
        if (output is null)
        {
            budget.MarkPartial("systemctl did not answer in time");
            return new SystemdReport(true, Source, [], "systemctl did not answer in time");
        }
        return new SystemdReport(true, Source, ParseUnits(output), null);
    }

    /// <summary>The JSON of --output=json, or the plain columns older systemd prints (unit load active sub description).</summary>
    internal static List<FailedUnit> ParseUnits(string output)
    {
        var units = new List<FailedUnit>();
        var text = output.Trim();
        if (text.StartsWith('['))
        {
            using var json = JsonDocument.Parse(text);
            foreach (var unit in json.RootElement.EnumerateArray())
            {
                string S(string name) => unit.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
                units.Add(new FailedUnit(S("unit"), S("load"), S("active"), S("sub"), S("description")));
            }
            return units;
        }
        foreach (var line in ProcText.Lines(text))
        {
            var w = ProcText.Words(line.TrimStart('●', '*', ' '));
            if (w.Length >= 4)
                units.Add(new FailedUnit(w[0], w[1], w[2], w[3], string.Join(' ', w.Skip(4))));
        }
        return units;
    }

    private sealed record Ran(int ExitCode, string Output);

    /// <summary>Runs systemctl on this machine; null when it does not finish within the time given.</summary>
    public static string? RunSystemctl(TimeSpan timeout)
    {
        var json = Run(timeout, "--output=json");
        // systemd before 246 has no --output=json: ask for the plain columns instead.
        return json is { ExitCode: 0 } ok ? ok.Output : Run(timeout, null)?.Output;
    }

    private static Ran? Run(TimeSpan timeout, string? format)
    {
        var start = new ProcessStartInfo("systemctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "list-units", "--failed", "--no-pager", "--plain", "--no-legend", format })
        {
            if (arg is not null)
                start.ArgumentList.Add(arg);
        }
        start.Environment["SYSTEMD_COLORS"] = "0";
        start.Environment["LC_ALL"] = "C";
        try
        {
            using var process = Process.Start(start);
            if (process is null)
                return null;
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill();
                return null;
            }
            return new Ran(process.ExitCode, output.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
