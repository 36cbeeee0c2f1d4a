using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Steady.Host.Tests.Journal;

/// <summary>
/// A real journal file for tests: entries written in the journal export format and turned into a
/// journal file by systemd-journal-remote (Debian's systemd-journal-remote), as journald would
/// have written them. Readers open it with sd_journal_open_files or journalctl --file.
/// </summary>
public sealed class JournalFile : IDisposable
{
    public const string JournalRemote = "/lib/systemd/systemd-journal-remote";
    public const string BootId = "4f1c2a9be0d94c5e8a7b6c5d4e3f2a1b";

    private readonly List<(DateTimeOffset At, string Fields)> _entries = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("steady-journal-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "test.journal");

    public int Count => _entries.Count;

    /// <summary>One entry: its time and its fields; _HOSTNAME, _BOOT_ID and the timestamps are added.</summary>
    public JournalFile Add(DateTimeOffset at, string host, params (string Field, string Value)[] fields)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"_HOSTNAME={host}\n");
        foreach (var (field, value) in fields)
            text.Append(field).Append('=').Append(value.Replace('\n', ' ')).Append('\n');
        _entries.Add((at, text.ToString()));
        return this;
    }

    /// <summary>A service's own line (stdout or syslog), at a priority.</summary>
    public JournalFile Service(DateTimeOffset at, string host, string unit, int priority, string message, int pid = 4242) =>
        Add(at, host, ("_TRANSPORT", "stdout"), ("_SYSTEMD_UNIT", unit), ("SYSLOG_IDENTIFIER", unit.Replace(".service", "", StringComparison.Ordinal)),
            ("_COMM", unit.Replace(".service", "", StringComparison.Ordinal)), ("_PID", pid.ToString(CultureInfo.InvariantCulture)),
            ("PRIORITY", priority.ToString(CultureInfo.InvariantCulture)), ("MESSAGE", message));

    /// <summary>systemd's message about a unit, with its MESSAGE_ID, as PID 1 writes it.</summary>
    public JournalFile Systemd(DateTimeOffset at, string host, string unit, string messageId, int priority, string message) =>
        Add(at, host, ("_TRANSPORT", "journal"), ("_SYSTEMD_UNIT", "init.scope"), ("SYSLOG_IDENTIFIER", "systemd"), ("_COMM", "systemd"), ("_PID", "1"),
            ("UNIT", unit), ("MESSAGE_ID", messageId), ("PRIORITY", priority.ToString(CultureInfo.InvariantCulture)), ("MESSAGE", message));

    public JournalFile Kernel(DateTimeOffset at, string host, int priority, string message) =>
        Add(at, host, ("_TRANSPORT", "kernel"), ("SYSLOG_IDENTIFIER", "kernel"), ("PRIORITY", priority.ToString(CultureInfo.InvariantCulture)), ("MESSAGE", message));

    /// <summary>Writes the journal file with systemd-journal-remote, entries in time order as journald appends them; returns its path.</summary>
    public string Write()
    {
        var exportText = new StringBuilder();
        ulong monotonic = 1_000_000;
        foreach (var (at, fields) in _entries.OrderBy(e => e.At))
        {
            monotonic += 1000;
            var usec = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
            exportText.Append(CultureInfo.InvariantCulture, $"__REALTIME_TIMESTAMP={usec}\n__MONOTONIC_TIMESTAMP={monotonic}\n_BOOT_ID={BootId}\n").Append(fields).Append('\n');
        }
        Assert.True(File.Exists(JournalRemote), $"{JournalRemote} is missing: apt-get install systemd-journal-remote (scripts/test installs it)");
        var export = System.IO.Path.Combine(_directory, "entries.export");
        File.WriteAllText(export, exportText.ToString());
        if (File.Exists(Path))
            File.Delete(Path);
        var start = new ProcessStartInfo(JournalRemote) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--output=" + Path);
        start.ArgumentList.Add(export);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"systemd-journal-remote failed: {error}");
        return Path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
