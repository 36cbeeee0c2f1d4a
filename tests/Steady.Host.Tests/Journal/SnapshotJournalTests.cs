using Steady.Host.Journal;
using Steady.Host.Model;

namespace Steady.Host.Tests.Journal;

/// <summary>The snapshot's journal part: service starts, stops, failures, restarts and OOM kills in the last hour, from a real journal file in the tree.</summary>
public sealed class SnapshotJournalTests
{
    [Theory]
    [InlineData("sd-journal")]
    [InlineData("journalctl")]
    public async Task ServicesThatFailedAndRestartedInTheLastHourAreFindings(string reader)
    {
        using var host = FixtureHost.With();
        var now = Snap.CapturedAt(host);
        using var journal = new JournalFile();
        // Two hours ago: outside the window.
        journal.Systemd(now.AddHours(-2), "vm", "old.service", SystemdMessages.UnitFailureResult, 4, "old.service: Failed with result 'exit-code'.");
        // myapp: killed for memory, failed, restarted twice.
        journal.Systemd(now.AddMinutes(-20), "vm", "myapp.service", SystemdMessages.UnitOutOfMemory, 4, "myapp.service: A process of this unit has been killed by the OOM killer.");
        journal.Systemd(now.AddMinutes(-20).AddSeconds(1), "vm", "myapp.service", SystemdMessages.UnitFailureResult, 4, "myapp.service: Failed with result 'oom-kill'.");
        for (var i = 0; i < 2; i++)
        {
            journal.Systemd(now.AddMinutes(-20 + 5 * i).AddSeconds(6), "vm", "myapp.service", SystemdMessages.UnitRestartScheduled, 6, $"myapp.service: Scheduled restart job, restart counter is at {i + 1}.");
            journal.Systemd(now.AddMinutes(-20 + 5 * i).AddSeconds(7), "vm", "myapp.service", SystemdMessages.UnitStarted, 6, "Started myapp.service - My App.");
        }
        // nginx reloaded by hand; a session scope (not a service); a plain log line (not a unit message).
        journal.Systemd(now.AddMinutes(-5), "vm", "nginx.service", SystemdMessages.UnitStopped, 6, "Stopped nginx.service - nginx.");
        journal.Systemd(now.AddMinutes(-5).AddSeconds(1), "vm", "nginx.service", SystemdMessages.UnitStarted, 6, "Started nginx.service - nginx.");
        journal.Systemd(now.AddMinutes(-4), "vm", "session-3.scope", SystemdMessages.UnitStarted, 6, "Started session-3.scope - Session 3 of User admin.");
        journal.Service(now.AddMinutes(-3), "vm", "myapp.service", 3, "connection refused");
        var folder = System.IO.Path.Combine(host.Path, "var", "log", "journal", "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(folder);
        File.Copy(journal.Write(), System.IO.Path.Combine(folder, "system.journal"));

        var snapshot = await Snapshotter.TakeAsync(Snap.Options(host) with { Journal = () => JournalReader.Named(reader) }, TestContext.Current.CancellationToken);

        Assert.True(snapshot.Journal.Collected, snapshot.Journal.Note);
        Assert.Equal(JournalReader.Named(reader).Source, snapshot.Journal.Source);
        // The window ends when the journal is read, inside the interval (which the fake clock has just passed).
        Assert.InRange(snapshot.Journal.Since!.Value, now.AddHours(-1), now.AddHours(-1).AddSeconds(1));
        Assert.Equal(
            [new UnitActivity("myapp.service", 2, 0, 1, 2, 1, now.AddMinutes(-15).AddSeconds(7), "Started myapp.service - My App."),
             new UnitActivity("nginx.service", 1, 1, 0, 0, 0, now.AddMinutes(-5).AddSeconds(1), "Started nginx.service - nginx.")],
            snapshot.Journal.Units);
        var myapp = Assert.Single(snapshot.Findings, f => f.Text.StartsWith("myapp.service", StringComparison.Ordinal));
        Assert.Equal((Finding.Warning, "systemd"), (myapp.Severity, myapp.Area));
        Assert.StartsWith("myapp.service failed once, was restarted twice and lost 1 process to the OOM killer in the last 60 minutes; the last, ", myapp.Text, StringComparison.Ordinal);
        Assert.Contains(snapshot.Findings, f => f.Severity == Finding.Info && f.Text == "services started or stopped in the last 60 minutes: nginx.service (restarted)");
        Assert.Equal(StepReport.Complete, snapshot.Steps.Single(s => s.Name == Steps.Journal).Status);
    }
}
