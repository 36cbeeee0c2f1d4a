using Steady.Cli.Api;
using Steady.Cli.Commands;
using Steady.Cli.Output;

namespace Steady.Cli.Tests.Output;

public sealed class AlertViewTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 3, 0, 0, TimeSpan.Zero);

    private static AlertDto Alert(string status = "triggered", Guid? silencedBy = null, Guid? maintenanceId = null, bool flapping = false) => new(
        Guid.Parse("0197a3b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b"), Guid.NewGuid(), "payments-api", Guid.NewGuid(), "latency", 1, null,
        status, "critical", "p99 latency above 2 s", null, new Dictionary<string, string>(), null, [], "alertmanager",
        Now.AddMinutes(-14), Now.AddMinutes(-1), 7,
        status == "triggered" ? null : Now.AddMinutes(-3), status == "triggered" ? null : "Dave Silva",
        status == "resolved" ? Now.AddMinutes(-2) : null, status == "resolved" ? "Alertmanager" : null,
        silencedBy, maintenanceId, flapping);

    private static string Show(AlertDto alert)
    {
        using var output = new StringWriter { NewLine = "\n" };
        AlertView.Write(output, new AlertDetailDto(alert, null, [], []), null, Now);
        return output.ToString();
    }

    [Fact]
    public void ThePageOpensWithTheSeverityAndSummaryThenTheState()
    {
        var text = Show(Alert());

        Assert.StartsWith("CRITICAL  p99 latency above 2 s\n\nStatus:      triggered 14m ago, not acknowledged\nService:     payments-api\n", text, StringComparison.Ordinal);
        Assert.Contains("Last seen:   2025-06-01 ", text, StringComparison.Ordinal);
        Assert.Contains("(1m ago), 7 events\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatKeepsAnAlertFromPagingIsSaid()
    {
        var text = Show(Alert(silencedBy: Guid.Parse("0197a3b2-0000-7000-8000-0000aaaabbbb"), maintenanceId: Guid.Parse("0197a3b2-0000-7000-8000-0000ccccdddd"), flapping: true));

        Assert.Contains("Silenced:     by silence aaaabbbb: nobody is paged for it until the silence ends\n", text, StringComparison.Ordinal);
        Assert.Contains("Maintenance:  in maintenance ccccdddd: nobody is paged for it until the window ends\n", text, StringComparison.Ordinal);
        Assert.Contains("Flapping:     yes: it keeps firing and resolving; notifications are held until it settles\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AResolvedAlertSaysWhoResolvedItAndOffersNothingToDo()
    {
        var text = Show(Alert("resolved"));

        Assert.Contains("Status:      resolved by Alertmanager 2m ago\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("steady alert", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTallyCountsBySeverityAndSaysHowManyWaitForSomeone()
    {
        AlertDto[] alerts = [Alert(), Alert("acknowledged"), Alert(silencedBy: Guid.NewGuid()) with { Severity = "info" }, Alert() with { Severity = "warning" }];

        Assert.Equal("4 open: 2 critical, 1 warning, 1 info; 3 not acknowledged (1 of them silenced or in maintenance).", AlertCommands.Tally(alerts));
        Assert.Equal("1 open: 1 critical; all acknowledged.", AlertCommands.Tally([Alert("acknowledged")]));
    }
}
