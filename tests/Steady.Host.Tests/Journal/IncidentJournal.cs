using Steady.Host.Journal;

namespace Steady.Host.Tests.Journal;

/// <summary>
/// The journal of web-1 around an incident on 2026-11-24, 13:10–13:20 UTC: myapp runs out of
/// database connections (412 errors), the kernel kills its JVM for memory, systemd restarts it;
/// a disk reports an I/O error; three unrelated sshd errors; info noise; entries before and after.
/// </summary>
public static class IncidentJournal
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 13, 10, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = Start.AddMinutes(10);
    public const int PoolErrors = 412;
    public const int Noise = 300;

    public static JournalFile Build()
    {
        var journal = new JournalFile();
        // Before the window: a unit that started long ago, and an old error.
        journal.Systemd(Start.AddMinutes(-30), "web-1", "myapp.service", SystemdMessages.UnitStarted, 6, "Started myapp.service - My App.");
        journal.Service(Start.AddMinutes(-20), "web-1", "myapp.service", 3, "old error before the window");

        // Noise: requests served, at info.
        for (var i = 0; i < Noise; i++)
            journal.Service(Start.AddSeconds(i * 2), "web-1", "myapp.service", 6, $"GET /api/orders/{1000 + i} 200 in {10 + (i % 7)}ms");
        journal.Service(Start.AddMinutes(2).AddSeconds(30), "web-1", "nginx.service", 4, "upstream response time 2.1s");

        // The pool runs dry: 412 errors between 13:14:00 and 13:18:56, every id and number different.
        for (var i = 0; i < PoolErrors; i++)
            journal.Service(Start.AddMinutes(4).AddMilliseconds(i * 720), "web-1", "myapp.service", 3,
                $"connection pool exhausted (waited {5000 + i} ms, 20/20 in use, request {Guid.CreateVersion7(Start.AddSeconds(i)):D})");

        // The OOM kill and systemd's restart.
        var kill = Start.AddMinutes(5).AddSeconds(10);
        journal.Kernel(kill.AddMilliseconds(-5), "web-1", 4, "java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0");
        journal.Kernel(kill, "web-1", 3, "Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:3145728kB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:7000kB oom_score_adj:0");
        journal.Kernel(kill.AddMilliseconds(20), "web-1", 6, "oom_reaper: reaped process 4242 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
        journal.Systemd(kill.AddMilliseconds(30), "web-1", "myapp.service", SystemdMessages.UnitOutOfMemory, 4, "myapp.service: A process of this unit has been killed by the OOM killer.");
        journal.Systemd(kill.AddSeconds(1), "web-1", "myapp.service", SystemdMessages.UnitProcessExit, 5, "myapp.service: Main process exited, code=killed, status=9/KILL");
        journal.Systemd(kill.AddSeconds(1).AddMilliseconds(1), "web-1", "myapp.service", SystemdMessages.UnitFailureResult, 4, "myapp.service: Failed with result 'oom-kill'.");
        journal.Systemd(kill.AddSeconds(6), "web-1", "myapp.service", SystemdMessages.UnitRestartScheduled, 6, "myapp.service: Scheduled restart job, restart counter is at 1.");
        journal.Systemd(kill.AddSeconds(6).AddMilliseconds(1), "web-1", "myapp.service", SystemdMessages.UnitStopped, 6, "Stopped myapp.service - My App.");
        journal.Systemd(kill.AddSeconds(6).AddMilliseconds(2), "web-1", "myapp.service", "7d4958e842da4a758f6c1cdc7b36dcc5", 6, "Starting myapp.service - My App...");
        journal.Systemd(kill.AddSeconds(8), "web-1", "myapp.service", SystemdMessages.UnitStarted, 6, "Started myapp.service - My App.");
        journal.Systemd(kill.AddSeconds(9), "web-1", "session-7.scope", SystemdMessages.UnitStarted, 6, "Started session-7.scope - Session 7 of User admin.");

        // A disk error, and kernel chatter that is not.
        journal.Kernel(Start.AddMinutes(6), "web-1", 3, "I/O error, dev sdb, sector 123456 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2");
        journal.Kernel(Start.AddMinutes(6).AddSeconds(5), "web-1", 6, "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex");

        // Three sshd errors: too few to be a burst.
        for (var i = 0; i < 3; i++)
            journal.Service(Start.AddMinutes(7).AddSeconds(i * 20), "web-1", "ssh.service", 3, $"error: kex_exchange_identification: Connection closed by remote host 203.0.113.{10 + i} port {50000 + i}");

        // After the window.
        journal.Service(End.AddMinutes(5), "web-1", "myapp.service", 3, "error after the window");
        return journal;
    }
}
