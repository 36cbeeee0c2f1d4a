using System.Text.Json;
using Steady.Cli.Commands;
using Steady.Host.Model;

namespace Steady.Cli.Tests.Commands;

/// <summary>steady snapshot: the host read in-process, findings first; no server, no token.</summary>
public sealed class SnapshotCommandTests : IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    /// <summary>The tree captured from a real machine by tests/Steady.Host.Tests/fixtures/capture.sh.</summary>
    private static string Fixture { get; } = FindFixture();

    [Fact]
    public async Task ACapturedHostIsShownFindingsFirstThenTheDataWithoutAServerOrToken()
    {
        var result = await _person.RunAsync("snapshot", "--root", Fixture, "--interval", "0");

        result.Succeeded();
        var lines = result.Out.Split('\n');
        Assert.StartsWith("Snapshot of vm at ", lines[0], StringComparison.Ordinal);
        Assert.Contains($"; root {Fixture}", lines[1], StringComparison.Ordinal);
        string[] sections = ["FINDINGS", "CPU:", "Memory:", "TOP PROCESSES BY MEMORY", "FILESYSTEMS", "DISKS", "SOCKETS:", "LISTENING", "NETWORK INTERFACES", "SYSTEMD: systemd not running", "KERNEL LOG", "JOURNAL: not read"];
        var at = sections.Select(s => Array.FindIndex(lines, l => l.StartsWith(s, StringComparison.Ordinal))).ToList();
        Assert.All(at, index => Assert.True(index > 0, $"missing a section; output:\n{result.Out}"));
        Assert.Equal(at.Order(), at);
    }

    [Fact]
    public async Task AttachingToAnIncidentAsksForTheTokenBeforeReadingTheHost()
    {
        _person.Environment["STEADY_SERVER"] = "http://127.0.0.1:9";

        var result = await _person.RunAsync("snapshot", "--root", Fixture, "--interval", "0", "--incident", "INC-3");

        Assert.StartsWith("steady: no API token for http://127.0.0.1:9", result.SingleErrorLine(ExitCodes.Auth), StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task JsonIsTheVersionedSnapshotDocument()
    {
        var result = await _person.RunAsync("snapshot", "--root", Fixture, "--interval", "0", "--json");

        result.Succeeded();
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(Snapshot.SchemaV1, json.RootElement.GetProperty("schema").GetString());
        Assert.Equal(Fixture, json.RootElement.GetProperty("host").GetProperty("root").GetString());
        Assert.True(json.RootElement.GetProperty("processes").GetProperty("count").GetInt32() > 50);
    }

    [Fact]
    public async Task TheRunningHostIsReadAndItsFilesystemsRememberedForGrowth()
    {
        var result = await _person.RunAsync("snapshot", "--interval", "0");

        result.Succeeded();
        Assert.StartsWith("Snapshot of ", result.Out, StringComparison.Ordinal);
        var history = Path.Combine(_person.Home, ".local", "state", "steady", "snapshot-filesystems.json");
        var saved = JsonSerializer.Deserialize(File.ReadAllText(history), Steady.Host.SnapshotJson.Default.ListFilesystemHistory)!;
        Assert.Contains(Assert.Single(saved).Usage, u => u.MountPoint == "/");
    }

    [Fact]
    public async Task AFixtureRootLeavesTheHistoryOfThisHostAlone()
    {
        var result = await _person.RunAsync("snapshot", "--root", Fixture, "--interval", "0");

        result.Succeeded();
        Assert.False(Directory.Exists(Path.Combine(_person.Home, ".local", "state", "steady")));
    }

    [Fact]
    public void GrowthIsMeasuredAgainstTheNewestSnapshotAtLeastFiveMinutesOld()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        List<FilesystemHistory> history = [new(now.AddMinutes(-2), []), new(now.AddMinutes(-30), []), new(now.AddHours(-3), [])];

        Assert.Equal(now.AddMinutes(-30), SnapshotHistory.Baseline(history, now)!.TakenAt);
        Assert.Null(SnapshotHistory.Baseline([new(now.AddMinutes(-1), [])], now));
    }

    [Fact]
    public async Task ARootThatIsNotAFolderIsAUsageError()
    {
        var result = await _person.RunAsync("snapshot", "--root", "/nonexistent/host");

        Assert.Equal("steady: --root /nonexistent/host is not a directory", result.SingleErrorLine(ExitCodes.Usage));
    }

    [Fact]
    public async Task AFolderThatIsNotAHostTreeIsOneLineSayingSo()
    {
        var result = await _person.RunAsync("snapshot", "--root", _person.Home);

        Assert.Equal($"steady: cannot read proc/stat under {_person.Home}: it is not a captured host tree", result.SingleErrorLine(ExitCodes.Error));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("61")]
    public async Task AnIntervalOutsideZeroToSixtySecondsIsAUsageError(string interval)
    {
        var result = await _person.RunAsync("snapshot", "--interval", interval);

        Assert.Equal("steady: --interval must be between 0 and 60 seconds; see 'steady snapshot --help'", result.SingleErrorLine(ExitCodes.Usage));
    }

    [Fact]
    public async Task HelpSaysItNeedsNoServer()
    {
        var result = await _person.RunAsync("snapshot", "--help");

        result.Succeeded();
        Assert.Contains("no server or token needed", result.Out, StringComparison.Ordinal);
        Assert.Contains("--root <PATH>", result.Out, StringComparison.Ordinal);
    }

    private static string FindFixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Steady.Host.Tests", "fixtures", "debian12-vm");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("cannot find the captured host fixture above " + AppContext.BaseDirectory);
    }
}
