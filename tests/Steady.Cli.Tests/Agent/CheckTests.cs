using Microsoft.Extensions.Time.Testing;
using Steady.Agent.Checks;
using Steady.Host;
using Steady.Host.Journal;
using Steady.Host.Tests.Journal;

namespace Steady.Cli.Tests.Agent;

/// <summary>The agent's checks on their own, against files the test writes, a real journal file, and this machine.</summary>
public sealed class CheckTests : IDisposable
{
    private readonly AgentHost _host = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 13, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _host.Dispose();
        _http.Dispose();
    }

    private CheckContext Context(string? root = null) => new() { Files = new HostFiles(root ?? _host.Root), Time = _clock, Host = "web-1", Http = _http };

    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OomKillsFireWhenTheCounterGrowsAndResolveAfterAQuietPeriod()
    {
        var check = new OomCheck("oom", "error", TimeSpan.FromMinutes(15));
        _host.OomKills(3);
        Assert.Empty((await check.RunAsync(Context(), Cancel)).Failing); // what happened before the agent started is not news

        _host.OomKills(5);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var fired = await check.RunAsync(Context(), Cancel);
        _clock.Advance(TimeSpan.FromMinutes(14));
        var stillQuietEnough = await check.RunAsync(Context(), Cancel);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var quiet = await check.RunAsync(Context(), Cancel);

        Assert.Equal("2 OOM kills on web-1 since 13:00 UTC (5 since boot); see 'steady snapshot' for the victim", Assert.Single(fired.Failing).Summary);
        Assert.Single(stillQuietEnough.Failing);
        Assert.Empty(quiet.Failing);
    }

    [Fact]
    public async Task AKernelWithoutPsiIsNotedNotAlerted()
    {
        File.Delete(Path.Combine(_host.Root, "proc", "pressure", "memory"));

        var run = await new MemoryPressureCheck("memory", "warning", 10).RunAsync(Context(), Cancel);

        Assert.Empty(run.Failing);
        Assert.Equal("no /proc/pressure/memory: this kernel has no PSI (or it is disabled)", run.Note);
    }

    [Fact]
    public async Task AJournalBurstCountsTheUnitsMatchingLinesInTheWindow()
    {
        using var journal = IncidentJournal.Build();
        var path = journal.Write();
        var check = new JournalBurstCheck("pool", "error", new("connection pool exhausted", System.Text.RegularExpressions.RegexOptions.IgnoreCase), "myapp", 100, TimeSpan.FromMinutes(5), [path]);
        var context = Context();

        _clock.SetUtcNow(IncidentJournal.Start.AddMinutes(9));
        var during = await check.RunAsync(context, Cancel);
        _clock.SetUtcNow(IncidentJournal.Start.AddMinutes(30));
        var after = await check.RunAsync(context, Cancel);

        Assert.Equal("'connection pool exhausted' ×412 in the last 5 min on web-1 from myapp (more than 100; last at 13:18:55 UTC)", Assert.Single(during.Failing).Summary);
        Assert.Empty(after.Failing);
    }

    [Fact]
    public async Task AFilesystemAboveItsThresholdFiresAndBelowItDoesNot()
    {
        var context = Context("/");

        var full = await new FilesystemCheck("disk", "error", ["/"], 1, null, TimeSpan.FromMinutes(30)).RunAsync(context, Cancel);
        var fine = await new FilesystemCheck("disk", "error", ["/"], 100, null, TimeSpan.FromMinutes(30)).RunAsync(context, Cancel);

        Assert.Matches(@"^/ on web-1 is \d+% full \(.+ free of .+; threshold 1%\)$", Assert.Single(full.Failing).Summary);
        Assert.Empty(fine.Failing);
    }

    [Fact]
    public async Task AFilesystemFillingFastFiresBeforeItIsFull()
    {
        // The filesystem of the temporary folder, which the test grows (it may be a tmpfs, not /).
        var temp = Path.GetTempPath().TrimEnd('/');
        var check = new FilesystemCheck("disk", "error", [temp], 100, fillHours: 1_000_000, TimeSpan.FromMinutes(30));
        var context = Context("/");
        await check.RunAsync(context, Cancel);
        _clock.Advance(TimeSpan.FromMinutes(10));
        // Grow what it holds by 64 MiB between the two runs: at that rate it fills within a million hours.
        var grown = Path.Combine(temp, $"steady-fill-{Guid.NewGuid():N}");
        try
        {
            using (var file = File.Create(grown))
            {
                file.Write(new byte[64 << 20]);
                file.Flush(flushToDisk: true);
            }
            var run = await check.RunAsync(context, Cancel);

            Assert.Matches($@"^{temp} on web-1 fills in [\d.]+ h at .+/h \(\d+% used, .+ free\)$", Assert.Single(run.Failing).Summary);
        }
        finally
        {
            File.Delete(grown);
        }
    }
}
