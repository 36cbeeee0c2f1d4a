using System.Text.Json;
using Steady.Host.Journal;
using Steady.Host.Tests.Journal;

namespace Steady.Cli.Tests.Commands;

/// <summary>
/// steady timeline import against a real journal file. What it sends is checked with --dry-run;
/// the import into a real server's incident waits for POST /api/v1/incidents/{n}/timeline/import
/// (being built on the incidents branch): see src/Steady.Cli/README.md.
/// </summary>
public sealed class TimelineImportTests : IDisposable
{
    private readonly Person _person = new();
    private readonly JournalFile _journal = IncidentJournal.Build();
    private readonly string _path;

    public TimelineImportTests() => _path = _journal.Write();

    public void Dispose()
    {
        _person.Dispose();
        _journal.Dispose();
    }

    private string[] Window => ["--since", "2026-11-24T13:10:00Z", "--until", "2026-11-24T13:20:00Z", "--file", _path];

    [Fact]
    public async Task ADryRunShowsTheLinesItWouldAddAndWhichReaderReadThem()
    {
        var result = (await _person.RunAsync(["timeline", "import", .. Window, "--dry-run"])).Succeeded();

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Read 729 journal entries in {_path} from 2026-11-24 13:10:00 to 2026-11-24 13:20:00 UTC with {JournalReader.SdJournalSource}: 423 relevant, as 12 lines (1 burst).", lines[0]);
        Assert.Matches(@"^AT \(UTC\)\s+HOST\s+KIND\s+TEXT$", lines[1]);
        Assert.Matches(@"^2026-11-24 13:14:00\s+web-1\s+burst\s+`connection pool exhausted \(waited # ms, #/# in use, request <id>\)` ×412 from myapp between 13:14 and 13:18 UTC; first: ", lines[2]);
        Assert.Matches(@"^2026-11-24 13:15:10\s+web-1\s+oom\s+kernel: Out of memory: Killed process 4242 \(java\)", lines[3]);
        Assert.Equal(14, lines.Length - 1);
        Assert.Equal("Nothing sent (--dry-run).", lines[^1]);
    }

    [Fact]
    public async Task AUnitKeepsItsOwnLinesSystemdsAboutItAndTheKernels()
    {
        var result = (await _person.RunAsync(["timeline", "import", .. Window, "--unit", "myapp", "--dry-run"])).Succeeded();

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Read 724 journal entries of myapp.service in {_path} from 2026-11-24 13:10:00 to 2026-11-24 13:20:00 UTC with {JournalReader.SdJournalSource}: 420 relevant, as 9 lines (1 burst).", lines[0]);
        Assert.DoesNotContain(lines, l => l.Contains("ssh:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JournalctlCanBeAskedForAndGivesTheSameKeys()
    {
        var native = (await _person.RunAsync(["timeline", "import", .. Window, "--dry-run", "--json"])).Succeeded();
        var spawned = (await _person.RunAsync(["timeline", "import", .. Window, "--dry-run", "--json", "--reader", "journalctl"])).Succeeded();

        using var a = JsonDocument.Parse(native.Out);
        using var b = JsonDocument.Parse(spawned.Out);
        Assert.Equal(JournalReader.SdJournalSource, a.RootElement.GetProperty("source").GetString());
        Assert.Equal(JournalReader.JournalctlSource, b.RootElement.GetProperty("source").GetString());
        string[] Keys(JsonDocument d) => [.. d.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("key").GetString()!)];
        Assert.Equal(12, Keys(a).Distinct().Count());
        Assert.Equal(Keys(a), Keys(b));
        var burst = a.RootElement.GetProperty("entries")[0];
        Assert.Equal(("2026-11-24T13:14:00.000000Z", "burst", 412), (burst.GetProperty("at").GetString(), burst.GetProperty("kind").GetString(), burst.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task WithoutAnIncidentOrDryRunItSaysWhatIsMissing()
    {
        var result = await _person.RunAsync(["timeline", "import", .. Window]);

        Assert.Equal("steady: Say which incident: --incident N (or --dry-run to only look). See 'steady timeline import --help'.", result.SingleErrorLine(ExitCodes.Usage));
    }

    [Fact]
    public async Task AMissingJournalFileIsOneLine()
    {
        var result = await _person.RunAsync("timeline", "import", "--since", "1h", "--file", "/nonexistent/x.journal", "--dry-run");

        Assert.Equal("steady: cannot read the journal: no journal file /nonexistent/x.journal", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task ImportingIntoAnIncidentNeedsAToken()
    {
        _person.Environment["STEADY_SERVER"] = "http://127.0.0.1:9";

        var result = await _person.RunAsync(["timeline", "import", .. Window, "--incident", "INC-7"]);

        Assert.StartsWith("steady: no API token for http://127.0.0.1:9", result.SingleErrorLine(ExitCodes.Auth), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIncidentNumberMustBeANumber()
    {
        var result = await _person.RunAsync(["timeline", "import", .. Window, "--incident", "web-1"]);

        Assert.StartsWith("steady: --incident: 'web-1' is not an incident number (e.g. 42 or INC-42).", result.SingleErrorLine(ExitCodes.Usage), StringComparison.Ordinal);
    }
}
