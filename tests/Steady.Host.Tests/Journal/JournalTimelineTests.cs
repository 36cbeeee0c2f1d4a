using Steady.Host.Journal;

namespace Steady.Host.Tests.Journal;

/// <summary>What the timeline import selects from a real journal file, and how bursts become one line.</summary>
public sealed class JournalTimelineTests : IClassFixture<JournalReaderTests.Written>
{
    private readonly JournalReaderTests.Written _journal;

    public JournalTimelineTests(JournalReaderTests.Written journal) => _journal = journal;

    private TimelineSelection Import(string reader = "sd-journal", TimelineOptions? options = null, params string[] units) =>
        JournalTimeline.Select(JournalReader.Named(reader).Read(new JournalQuery
        {
            Since = IncidentJournal.Start,
            Until = IncidentJournal.End,
            Units = [.. units.Select(JournalQuery.UnitName)],
            Files = [_journal.Path],
        }, TestContext.Current.CancellationToken), options);

    [Fact]
    public void TheWindowBecomesTwelveLinesWithThe412PoolErrorsAsOneBurst()
    {
        var selection = Import();

        Assert.Equal(729, selection.EntriesRead);
        Assert.Equal(423, selection.EntriesSelected);
        Assert.Equal(
        [
            "13:14:00.000 burst `connection pool exhausted (waited # ms, #/# in use, request <id>)` ×412 from myapp between 13:14 and 13:18 UTC; first: connection pool exhausted (waited 5000 ms, 20/20 in use, request ",
            "13:15:10.000 oom kernel: Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:3145728kB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:7000kB oom_score_adj:0",
            "13:15:10.030 oom myapp.service: A process of this unit has been killed by the OOM killer.",
            "13:15:11.000 unit myapp.service: Main process exited, code=killed, status=9/KILL",
            "13:15:11.001 unit myapp.service: Failed with result 'oom-kill'.",
            "13:15:16.000 unit myapp.service: Scheduled restart job, restart counter is at 1.",
            "13:15:16.001 unit Stopped myapp.service - My App.",
            "13:15:18.000 unit Started myapp.service - My App.",
            "13:16:00.000 kernel kernel: I/O error, dev sdb, sector 123456 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2",
            "13:17:00.000 error ssh: error: kex_exchange_identification: Connection closed by remote host 203.0.113.10 port 50000",
            "13:17:20.000 error ssh: error: kex_exchange_identification: Connection closed by remote host 203.0.113.11 port 50001",
            "13:17:40.000 error ssh: error: kex_exchange_identification: Connection closed by remote host 203.0.113.12 port 50002",
        ], selection.Items.Select(i => $"{i.At:HH:mm:ss.fff} {i.Kind} {(i.Kind == "burst" ? i.Text[..i.Text.IndexOf("request 0", StringComparison.Ordinal)] + "request " : i.Text)}"));
        Assert.All(selection.Items, i => Assert.Equal("web-1", i.Host));
        Assert.Equal(IncidentJournal.PoolErrors, selection.Items[0].Count);
        Assert.Equal(1, selection.Bursts);
        Assert.Equal(412, selection.SelectedByKind["error"] - 3);
    }

    [Fact]
    public void KeysAreUniqueAndTheSameOnEveryReadingWithEitherReader()
    {
        var first = Import("sd-journal");
        var again = Import("sd-journal");
        var spawned = Import("journalctl");

        Assert.Equal(first.Items.Count, first.Items.Select(i => i.Key).Distinct().Count());
        Assert.Equal(first.Items, again.Items);
        Assert.Equal(first.Items, spawned.Items);
        Assert.All(first.Items, i => Assert.Matches("^journal(-burst)?:[0-9a-f]{32}$", i.Key));
    }

    [Fact]
    public void AUnitFilterKeepsTheKernelsOomKillButDropsOtherServices()
    {
        var selection = Import(units: "myapp");

        Assert.Contains(selection.Items, i => i.Kind == "oom" && i.Text.StartsWith("kernel: Out of memory", StringComparison.Ordinal));
        Assert.DoesNotContain(selection.Items, i => i.Text.StartsWith("ssh:", StringComparison.Ordinal));
        Assert.Single(selection.Items, i => i.Kind == "burst");
    }

    [Fact]
    public void ABurstNeedsItsMinimumInOneRun()
    {
        var everyLine = Import(options: new TimelineOptions { BurstMinimum = 413 });
        var sshToo = Import(options: new TimelineOptions { BurstMinimum = 3 });

        Assert.Equal(0, everyLine.Bursts);
        Assert.Equal(412, everyLine.Items.Count(i => i.Text.StartsWith("myapp: connection pool exhausted", StringComparison.Ordinal)));
        Assert.Equal(2, sshToo.Bursts);
        Assert.Contains(sshToo.Items, i => i.Text == "`error: kex_exchange_identification: Connection closed by remote host <ip> port #` ×3 from ssh at 13:17 UTC; "
            + "first: error: kex_exchange_identification: Connection closed by remote host 203.0.113.10 port 50000");
    }

    [Fact]
    public void AlikeEntriesFurtherApartThanTheGapAreSeparateBursts()
    {
        var at = IncidentJournal.Start;
        JournalEntry Error(int minute, int n) => new(at.AddMinutes(minute).AddSeconds(n), "b", (ulong)(minute * 100 + n), "db-1", "pg.service", "postgres", "postgres", 7, 3, "stdout", null, null, $"deadlock detected on relation {n}");
        var entries = Enumerable.Range(0, 6).Select(n => Error(0, n)).Concat(Enumerable.Range(0, 6).Select(n => Error(20, n)));

        var selection = JournalTimeline.Select(entries, new TimelineOptions { BurstGap = TimeSpan.FromMinutes(5) });

        Assert.Equal(["`deadlock detected on relation #` ×6 from pg at 13:10 UTC; first: deadlock detected on relation 0", "`deadlock detected on relation #` ×6 from pg at 13:30 UTC; first: deadlock detected on relation 0"],
            selection.Items.Select(i => i.Text));
        Assert.NotEqual(selection.Items[0].Key, selection.Items[1].Key);
    }

    [Theory]
    [InlineData("connection pool exhausted (waited 5012 ms, 20/20 in use)", "connection pool exhausted (waited # ms, #/# in use)")]
    [InlineData("request 0190f3a2-7c1e-7d3a-9b1e-2a3b4c5d6e7f failed", "request <id> failed")]
    [InlineData("upstream 10.0.0.12:8080 timed out after 1.5s", "upstream <ip> timed out after #s")]
    [InlineData("txn deadbeef01 aborted at 0x7ffd1234", "txn <id> aborted at <id>")]
    [InlineData("worker-3   crashed", "worker-# crashed")]
    public void NumbersIdsAndAddressesAreSetAsideToFindRepeats(string message, string pattern)
    {
        Assert.Equal(pattern, JournalTimeline.Normalize(message));
    }
}
