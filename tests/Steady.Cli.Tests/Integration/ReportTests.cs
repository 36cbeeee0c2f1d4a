namespace Steady.Cli.Tests.Integration;

/// <summary>steady report response | oncall | noise against a real server: tables, CSV, and a wrong period refused.</summary>
public sealed class ReportTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    private string Suffix { get; } = Guid.NewGuid().ToString("N")[..6];

    /// <summary>Ana is on call 09:00–17:00 UTC every day: 7 × 8 = 56 hours in the week of 23 November 2026.</summary>
    private string File => $"""
        kind: team
        name: Ops {Suffix}
        members:
          - user: ana.{Suffix}@example.com
            role: responder
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
        """;

    /// <summary>Midnight UTC of that day of November 2026 as the CLI prints it, in this machine's zone.</summary>
    private static string Local(int day) =>
        TimeZoneInfo.ConvertTime(new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Local).ToString("ddd yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private Task<CliResult> RunAsync(params string[] args) => _person.RunAsync([.. args, "--server", server.Url, "--token", SteadyServer.AdminToken]);

    private async Task ApplyAsync()
    {
        var path = Path.Combine(_person.Home, $"report-{Guid.NewGuid():N}.yaml");
        await System.IO.File.WriteAllTextAsync(path, File, TestContext.Current.CancellationToken);
        (await RunAsync("apply", "-f", path)).Succeeded();
    }

    [Fact]
    public async Task TheOnCallReportIsATableAndTheCompensationCsvHasOneRowPerPerson()
    {
        await ApplyAsync();
        var table = (await RunAsync("report", "oncall", "--from", "2026-11-23", "--to", "2026-11-30", "--team", $"Ops {Suffix}")).Succeeded();
        // Hours on call, asleep (22-08 in Berlin: none) and at the weekend (Saturday and Sunday, 8 h each).
        var row = Assert.Single(table.Out.Split('\n'), l => l.Contains($"Ana {Suffix}", StringComparison.Ordinal));
        Assert.Equal(["56", "0", "16"], row[(row.IndexOf($"Ana {Suffix}", StringComparison.Ordinal) + $"Ana {Suffix}".Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]);
        Assert.Contains($"On-call load, {Local(23)} to {Local(30)} {TimeZoneInfo.Local.Id}:", table.Out, StringComparison.Ordinal);
        // --wide: every column, first-level and later hours after the total.
        var wide = (await RunAsync("report", "oncall", "--from", "2026-11-23", "--to", "2026-11-30", "--team", $"Ops {Suffix}", "--wide")).Succeeded();
        row = Assert.Single(wide.Out.Split('\n'), l => l.Contains($"Ana {Suffix}", StringComparison.Ordinal));
        Assert.Equal(["56", "56", "0"], row[(row.IndexOf($"Ana {Suffix}", StringComparison.Ordinal) + $"Ana {Suffix}".Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]);

        var csv = (await RunAsync("report", "oncall", "--from", "2026-11-23", "--to", "2026-11-30", "--team", $"Ops {Suffix}", "--csv")).Succeeded();
        var lines = csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period_start,period_end,team,person,email,time_zone,hours_on_call,", lines[0], StringComparison.Ordinal);
        var cells = Assert.Single(lines[1..]).Split(',');
        Assert.Equal(("2026-11-23T00:00:00Z", $"Ana {Suffix}", "Europe/Berlin", "56", ""), (cells[0], cells[3], cells[5], cells[6], cells[^1]));
    }

    [Fact]
    public async Task TheResponseAndNoiseReportsPrintTablesAndCsv()
    {
        await ApplyAsync();
        var response = (await RunAsync("report", "response", "--from", "2026-11-23", "--to", "2026-11-30", "--team", $"Ops {Suffix}")).Succeeded();
        Assert.Contains($"Response times, {Local(23)} to {Local(30)} {TimeZoneInfo.Local.Id}:", response.Out, StringComparison.Ordinal);
        Assert.Contains("incidents", response.Out, StringComparison.Ordinal);
        var csv = (await RunAsync("report", "response", "--from", "2026-11-23", "--to", "2026-11-30", "--team", $"Ops {Suffix}", "--csv")).Succeeded();
        Assert.Equal("of,by,name,count,tta_mean_s,tta_p50_s,tta_p90_s,ttm_mean_s,ttr_mean_s,ttr_p50_s,ttr_p90_s", csv.Out.Split("\r\n")[0]);
        Assert.Contains("incidents,all,all,0,,,,,,,", csv.Out, StringComparison.Ordinal);
        var noise = (await RunAsync("report", "noise", "--from", "2026-11-23", "--to", "2026-11-30", "--team", $"Ops {Suffix}")).Succeeded();
        Assert.Contains("No alerts in this period.", noise.Out, StringComparison.Ordinal);
        Assert.Contains($"Ops {Suffix}: 0 pages over 7 on-call shifts", noise.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPeriodIsOneErrorLineAndExitOne()
    {
        var result = await RunAsync("report", "noise", "--from", "2026-12-01", "--to", "2026-11-01");
        Assert.Contains("'to' must be after 'from'", result.SingleErrorLine(1), StringComparison.Ordinal);
    }
}
