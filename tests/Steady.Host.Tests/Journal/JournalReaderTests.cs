using Steady.Host.Journal;

namespace Steady.Host.Tests.Journal;

/// <summary>Both readers against a real journal file written by systemd-journal-remote.</summary>
public sealed class JournalReaderTests : IClassFixture<JournalReaderTests.Written>
{
    private readonly Written _journal;

    public JournalReaderTests(Written journal) => _journal = journal;

    public sealed class Written : IDisposable
    {
        public Written()
        {
            File = IncidentJournal.Build();
            Path = File.Write();
        }

        public JournalFile File { get; }

        public string Path { get; }

        public void Dispose() => File.Dispose();
    }

    public static TheoryData<string> Readers => ["sd-journal", "journalctl"];

    private List<JournalEntry> Read(string reader, JournalQuery query) =>
        JournalReader.Named(reader).Read(query with { Files = [_journal.Path] }, TestContext.Current.CancellationToken).ToList();

    [Fact]
    public void LibsystemdIsLoadedOnThisMachineSoTheInProcessReaderIsTheDefault()
    {
        Assert.True(SdJournalReader.IsAvailable);
        Assert.Equal(JournalReader.SdJournalSource, JournalReader.Default().Source);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void EveryEntryIsReadWithItsTimeHostUnitPriorityAndMessage(string reader)
    {
        var entries = Read(reader, new JournalQuery());

        Assert.Equal(_journal.File.Count, entries.Count);
        Assert.All(entries, e => Assert.Equal("web-1", e.Host));
        Assert.All(entries, e => Assert.Equal(JournalFile.BootId, e.BootId));
        Assert.Equal(entries.OrderBy(e => e.At).Select(e => e.At), entries.Select(e => e.At));
        var kill = Assert.Single(entries, e => e.Message.StartsWith("Out of memory: Killed process 4242", StringComparison.Ordinal));
        Assert.Equal(IncidentJournal.Start.AddMinutes(5).AddSeconds(10), kill.At);
        Assert.Equal(("kernel", 3, "kernel"), (kill.Transport, kill.Priority, kill.Source));
        var restart = Assert.Single(entries, e => e.MessageId == SystemdMessages.UnitRestartScheduled);
        Assert.Equal(("init.scope", "myapp.service", 1, "systemd"), (restart.Unit, restart.AboutUnit, restart.Pid, restart.Identifier));
        var pool = entries.First(e => e.Message.StartsWith("connection pool", StringComparison.Ordinal));
        Assert.Equal(("myapp.service", "myapp", 3, 4242), (pool.Unit, pool.Command, pool.Priority, pool.Pid));
    }

    [Fact]
    public void BothReadersSeeTheSameEntries()
    {
        var native = Read("sd-journal", new JournalQuery());
        var spawned = Read("journalctl", new JournalQuery());

        Assert.Equal(native, spawned);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void TheWindowStartsAndEndsToTheMicrosecond(string reader)
    {
        var firstError = IncidentJournal.Start.AddMinutes(4);
        var entries = Read(reader, new JournalQuery { Since = firstError, Until = firstError.AddMilliseconds(720 * 10) });

        Assert.Equal(firstError, entries[0].At);
        Assert.All(entries, e => Assert.InRange(e.At, firstError, firstError.AddMilliseconds(720 * 10 - 1)));
        Assert.Equal(10, entries.Count(e => e.Message.StartsWith("connection pool", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void AUnitFilterKeepsTheUnitsOwnLinesSystemdsAboutItAndTheKernels(string reader)
    {
        var entries = Read(reader, new JournalQuery { Since = IncidentJournal.Start, Until = IncidentJournal.End, Units = [JournalQuery.UnitName("myapp")] });

        Assert.Equal(["kernel", "myapp.service", "systemd"], entries.Select(e => e.IsKernel ? "kernel" : e.Pid == 1 ? "systemd" : e.Unit!).Distinct().Order());
        Assert.DoesNotContain(entries, e => e.Unit is "ssh.service" or "nginx.service" || e.AboutUnit == "session-7.scope");
        Assert.Equal(IncidentJournal.PoolErrors + IncidentJournal.Noise, entries.Count(e => e.Unit == "myapp.service"));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void AMissingFileIsOneLineSayingSo(string reader)
    {
        var missing = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "steady-no-such.journal");

        var error = Assert.Throws<JournalException>(() => JournalReader.Named(reader).Read(new JournalQuery { Files = [missing] }).ToList());

        Assert.Equal($"no journal file {missing}", error.Message);
    }

    [Fact]
    public void UnitNamesWithoutASuffixAreServices()
    {
        Assert.Equal("nginx.service", JournalQuery.UnitName("nginx"));
        Assert.Equal("backup.timer", JournalQuery.UnitName("backup.timer"));
        Assert.Equal("getty@tty1.service", JournalQuery.UnitName(" getty@tty1.service "));
    }
}
