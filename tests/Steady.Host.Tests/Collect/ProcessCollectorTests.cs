using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

public sealed class ProcessCollectorTests
{
    private const string Tail = " 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0";

    [Theory]
    [InlineData("4242 (my (weird) proc) D 1 4242 4242 0 -1 4194560 1500 0 3 0 500 250 0 0 20 0 3 0 12000 734003200 25600", "my (weird) proc", 'D')]
    [InlineData("4243 ((sd-pam)) S 4242 4243 4243 0 -1 1077936448 50 0 0 0 7 3 0 0 20 0 1 0 12100 104857600 512", "(sd-pam)", 'S')]
    [InlineData("77 (a ) b) R 1 77 77 0 -1 4194560 1 0 0 0 1 1 0 0 20 0 1 0 5 1 2", "a ) b", 'R')]
    public void NamesWithSpacesAndParenthesesAreReadWhole(string line, string name, char state)
    {
        var stat = ProcessCollector.ParseStat(int.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), line + Tail);

        Assert.NotNull(stat);
        Assert.Equal(name, stat.Name);
        Assert.Equal(state, stat.State);
    }

    [Fact]
    public void StatFieldsGiveCpuTicksThreadsStartAndResidentPages()
    {
        var stat = ProcessCollector.ParseStat(4242, "4242 (my (weird) proc) D 1 4242 4242 0 -1 4194560 1500 0 3 0 500 250 0 0 20 0 3 0 12000 734003200 25600" + Tail)!;

        Assert.Equal((500L, 250L, 750L), (stat.UserTicks, stat.SystemTicks, stat.CpuTicks));
        Assert.Equal(3, stat.Threads);
        Assert.Equal(12000, stat.StartTicks);
        Assert.Equal(25600, stat.RssPages);
        Assert.False(stat.KernelThread);
    }

    [Fact]
    public void KernelThreadsAreRecognisedByTheirFlag()
    {
        var stat = ProcessCollector.ParseStat(2, "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 20 0 1 0 2 0 0" + Tail)!;

        Assert.True(stat.KernelThread);
    }

    [Fact]
    public void ATruncatedStatLineIsSkipped() =>
        Assert.Null(ProcessCollector.ParseStat(9, "9 (short) S 1 2 3"));

    [Fact]
    public void CpuPercentIsTicksOverTheIntervalAndAReusedPidHasNone()
    {
        var before = new Dictionary<int, ProcStat> { [10] = new(10, "java", 'R', 800, 200, 30, 500, 100, false), [11] = new(11, "old", 'S', 100, 0, 1, 600, 10, false) };
        var java = new ProcStat(10, "java", 'R', 900, 280, 30, 500, 100, false);
        var reused = new ProcStat(11, "new", 'R', 150, 0, 1, 900, 10, false);

        Assert.Equal(180, ProcessCollector.CpuPercent(java, before, 1, 100));
        Assert.Null(ProcessCollector.CpuPercent(reused, before, 1, 100));
        Assert.Null(ProcessCollector.CpuPercent(java, before, 0, 100));
    }

    [Fact]
    public void TheOpenFilesLimitIsTheSoftLimit() =>
        Assert.Equal(1024, ProcessCollector.OpenFilesLimit("Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n"));

    [Fact]
    public void AnUnlimitedOpenFilesLimitIsNoLimit() =>
        Assert.Null(ProcessCollector.OpenFilesLimit("Max open files            unlimited            unlimited            files\n"));

    [Fact]
    public void EveryProcessOfTheCapturedHostIsSampled()
    {
        using var host = FixtureHost.Captured();

        var sample = ProcessCollector.Sample(host, Budget());

        Assert.Equal(ProcessCollector.Pids(host).Count, sample.Count);
        Assert.Contains(sample.Values, p => p.Pid == 1);
        Assert.Contains(sample.Values, p => p.KernelThread && p.Name == "kthreadd");
    }

    [Fact]
    public void AKernelThreadsCommandLineIsItsNameInBrackets() =>
        Assert.Equal("[kworker/0:1]", ProcessCollector.CommandLine("", new ProcStat(5, "kworker/0:1", 'I', 0, 0, 1, 0, 0, true)));

    internal static StepBudget Budget() => new(TimeProvider.System, TimeSpan.FromMinutes(1));
}
