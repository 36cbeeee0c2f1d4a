using System.Text.Json;

namespace Steady.Cli.Tests.Integration;

/// <summary>steady apply, export, oncall, schedule show and policy list | show against a real server.</summary>
public sealed class OnCallTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    private string Suffix { get; } = Guid.NewGuid().ToString("N")[..6];

    /// <summary>Office hours on weekdays only: the nights are gaps.</summary>
    private string File => $"""
        kind: team
        name: Ops {Suffix}
        members:
          - user: ana.{Suffix}@example.com
            role: admin
        ---
        kind: user
        name: Ana {Suffix}
        email: ana.{Suffix}@example.com
        time_zone: Europe/Berlin
        ---
        kind: schedule
        name: office-{Suffix}
        team: Ops {Suffix}
        time_zone: Etc/UTC
        layers:
          - name: office
            participants: [ana.{Suffix}@example.com]
            first_handoff: 2026-11-23T00:00
            rotation: weekly
            restrictions:
              - start: "09:00"
                end: "17:00"
        ---
        name: ops-{Suffix}
        team: Ops {Suffix}
        escalation_chain:
          - notify: office-{Suffix}
            wait: 10m
          - notify: ana.{Suffix}@example.com
        """;

    private async Task<string> WriteAsync(string text)
    {
        var path = Path.Combine(_person.Home, $"oncall-{Guid.NewGuid():N}.yaml");
        await System.IO.File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        return path;
    }

    private Task<CliResult> RunAsync(params string[] args) => _person.RunAsync([.. args, "--server", server.Url, "--token", SteadyServer.AdminToken]);

    [Fact]
    public async Task ApplyCreatesThenChangesNothingAndADryRunOnlySaysWhatItWouldDo()
    {
        var path = await WriteAsync(File);

        var first = (await RunAsync("apply", "-f", path)).Succeeded();
        Assert.Matches($@"schedule\s+office-{Suffix}\s+created", first.Out);
        Assert.EndsWith("4 created, 0 updated, 0 unchanged.\n", first.Out, StringComparison.Ordinal);

        var second = (await RunAsync("apply", "-f", path)).Succeeded();
        Assert.EndsWith("0 created, 0 updated, 4 unchanged.\n", second.Out, StringComparison.Ordinal);

        var changed = await WriteAsync(File.Replace("wait: 10m", "wait: 15m", StringComparison.Ordinal));
        var dry = (await RunAsync("apply", "-f", changed, "--dry-run")).Succeeded();
        Assert.Contains("would be updated", dry.Out, StringComparison.Ordinal);
        Assert.EndsWith("Dry run: 0 created, 1 updated, 3 unchanged; nothing was changed.\n", dry.Out, StringComparison.Ordinal);
        Assert.EndsWith("0 created, 0 updated, 4 unchanged.\n", (await RunAsync("apply", "-f", path)).Succeeded().Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadFileIsOneErrorLineNamingTheDocumentAndNothingIsWritten()
    {
        var path = await WriteAsync(File.Replace("rotation: weekly", "rotation: fortnightly", StringComparison.Ordinal));

        var line = (await RunAsync("apply", "-f", path)).SingleErrorLine(ExitCodes.Error);

        Assert.Contains($"document 3 (schedule office-{Suffix})", line, StringComparison.Ordinal);
        Assert.Contains("rotation must be daily, weekly", line, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, (await RunAsync("schedule", "show", $"office-{Suffix}")).ExitCode);
        Assert.Equal("steady: cannot read /nonexistent.yaml: no such file", (await RunAsync("apply", "-f", "/nonexistent.yaml")).SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task ScheduleShowFlagsTheGapsAndOncallSaysWhoIsOnCallAndWhomThePolicyPages()
    {
        (await RunAsync("apply", "-f", await WriteAsync(File))).Succeeded();

        var show = (await RunAsync("schedule", "show", $"office-{Suffix}", "--from", "2026-11-24T00:00Z", "--to", "2026-11-25T00:00Z")).Succeeded();
        var lines = show.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"office-{Suffix}: Tue 2026-11-24 00:00 to Wed 2026-11-25 00:00 (Etc/UTC)", lines[0]);
        Assert.Matches(@"^Tue 2026-11-24 00:00\s+Tue 2026-11-24 09:00\s+GAP: nobody on call\s+-$", lines[2]);
        Assert.Matches($@"^Tue 2026-11-24 09:00\s+Tue 2026-11-24 17:00\s+Ana {Suffix}\s+office$", lines[3]);
        Assert.Equal("2 gaps, 16 h with nobody on call.", lines[^1]);

        var day = (await RunAsync("oncall", "--at", "2026-11-24T10:00Z", "--policy", $"ops-{Suffix}")).Succeeded();
        Assert.Matches($@"ops-{Suffix}\s+1\s+schedule office-{Suffix}\s+Ana {Suffix}\s+10m", day.Out);
        // Times in the reader's zone (the bootstrap admin's is Etc/UTC), the zone named.
        var office = (await RunAsync("oncall", "--at", "2026-11-24T10:00Z", "--schedule", $"office-{Suffix}")).Succeeded();
        Assert.StartsWith("On call at Tue 2026-11-24 10:00 Etc/UTC:", office.Out, StringComparison.Ordinal);
        Assert.Matches($@"office-{Suffix}\s+Ana {Suffix}\s+\S+\s+Tue 2026-11-24 17:00 Etc/UTC\s+", office.Out);
        var night = (await RunAsync("oncall", "--at", "2026-11-24T22:00Z", "--schedule", $"office-{Suffix}")).Succeeded();
        Assert.Contains("NOBODY (gap)", night.Out, StringComparison.Ordinal);
        var nightPolicy = (await RunAsync("oncall", "--at", "2026-11-24T22:00Z", "--policy", $"ops-{Suffix}")).Succeeded();
        Assert.Contains("NOBODY (step skipped)", nightPolicy.Out, StringComparison.Ordinal);

        Assert.Contains("--at: 'tomorrowish' is neither a time", (await RunAsync("oncall", "--at", "tomorrowish")).SingleErrorLine(ExitCodes.Usage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyListAndShowSayWhatEachStepNotifiesWhomItPagesAndAnUnknownNameIsOneErrorLine()
    {
        (await RunAsync("apply", "-f", await WriteAsync(File))).Succeeded();

        var list = (await RunAsync("policy", "list")).Succeeded();
        Assert.Matches($@"(?m)^ops-{Suffix}\s+Ops {Suffix}\s+2\s+-\s+-\s*$", list.Out);
        var listed = JsonDocument.Parse((await RunAsync("policy", "list", "--json")).Succeeded().Out).RootElement;
        Assert.Contains(listed.EnumerateArray(), p => p.GetProperty("name").GetString() == $"ops-{Suffix}");

        var show = (await RunAsync("policy", "show", $"ops-{Suffix}")).Succeeded();
        var lines = show.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"ops-{Suffix} (team Ops {Suffix})", lines[0]);
        Assert.Matches(@"^STEP\s+NOTIFIES\s+WHO NOW\s+THEN WAIT\s*$", lines[1]);
        Assert.Matches($@"^1\s+schedule office-{Suffix}\s+(Ana {Suffix}|NOBODY \(step skipped\))\s+10m\s*$", lines[2]);
        Assert.Matches($@"^2\s+user Ana {Suffix}\s+Ana {Suffix}\s+- \(last step\)\s*$", lines[3]);
        Assert.Equal("After the last step: no repeat.", lines[4]);
        Assert.Equal("No service pages through it yet.", lines[5]);
        var json = JsonDocument.Parse((await RunAsync("policy", "show", $"ops-{Suffix}", "--json")).Succeeded().Out).RootElement;
        Assert.Equal(2, json.GetProperty("steps").GetArrayLength());

        // With a repeat, the last step's wait is the pause before the steps run again.
        (await RunAsync("apply", "-f", await WriteAsync($"""
            name: looping-{Suffix}
            team: Ops {Suffix}
            repeat: 2
            escalation_chain:
              - notify: ana.{Suffix}@example.com
                wait: 5m
              - notify: office-{Suffix}
                wait: 15m
            """))).Succeeded();
        var looping = (await RunAsync("policy", "show", $"looping-{Suffix}")).Succeeded().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^1\s+.*\s5m\s*$", looping[2]);
        Assert.Matches(@"^2\s+.*\s15m, then step 1 again\s*$", looping[3]);
        Assert.Equal("After the last step: the steps run again, 2 more times.", looping[4]);

        var unknown = (await RunAsync("policy", "show", $"nosuch-{Suffix}")).SingleErrorLine(ExitCodes.Error);
        Assert.Contains($"nosuch-{Suffix}", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportWritesAFileThatAppliesWithoutChanges()
    {
        (await RunAsync("apply", "-f", await WriteAsync(File))).Succeeded();
        var output = Path.Combine(_person.Home, "exported.yaml");

        (await RunAsync("export", "-o", output)).Succeeded();

        var text = await System.IO.File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        Assert.Contains($"name: office-{Suffix}", text, StringComparison.Ordinal);
        Assert.Contains("kind: escalation_policy", text, StringComparison.Ordinal);
        var again = (await RunAsync("apply", "-f", output)).Succeeded();
        Assert.Contains(" 0 created, 0 updated,", " " + again.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
    }
}
