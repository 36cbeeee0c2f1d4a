using System.Net;
using System.Net.Sockets;

namespace Steady.Cli.Tests;

/// <summary>
/// A mistyped alert, silence or maintenance command is refused with exit 2 and one line, before
/// anything is sent: the "server" here is a socket that would notice a connection.
/// </summary>
public sealed class AlertUsageTests : IDisposable
{
    private readonly Person _person = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public AlertUsageTests()
    {
        _listener.Start();
        _person.Environment["STEADY_SERVER"] = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _person.Environment["STEADY_TOKEN"] = "stdy_whatever";
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        _person.Dispose();
    }

    private async Task<string> RefusedAsync(params string[] args)
    {
        var result = await _person.RunAsync(args);
        var line = result.SingleErrorLine(ExitCodes.Usage);
        Assert.Equal("", result.Out);
        Assert.False(_listener.Pending(), "the command connected to the server");
        return line;
    }

    [Fact]
    public async Task ABadDurationIsAUsageError()
    {
        Assert.Equal(
            "steady: --duration: '2x' is not a duration; use e.g. 30s, 15m, 2h, 1d or 1h30m. See 'steady silence add --help'.",
            await RefusedAsync("silence", "add", "--service", "db", "--matcher", "alertname=DiskFull", "--duration", "2x", "--reason", "migration"));
        Assert.Equal(
            "steady: --duration: '0m' is not a duration: it must be more than zero. See 'steady maintenance start --help'.",
            await RefusedAsync("maintenance", "start", "--service", "db", "--duration", "0m", "--reason", "upgrade"));
    }

    [Fact]
    public async Task ABadMatcherIsAUsageError()
    {
        Assert.Equal(
            "steady: --matcher: 'DiskFull' is not a matcher; use name=value, name!=value, name=~regex or name!~regex, e.g. alertname=DiskFull. See 'steady silence add --help'.",
            await RefusedAsync("silence", "add", "--service", "db", "--matcher", "DiskFull", "--duration", "2h", "--reason", "migration"));
        Assert.StartsWith(
            "steady: --matcher: 'env=~prod(': Invalid pattern",
            await RefusedAsync("silence", "add", "--service", "db", "--matcher", "env=~prod(", "--duration", "2h", "--reason", "migration"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASilenceNeedsAServiceOrToSayAllServices()
    {
        Assert.Equal(
            "steady: Say whose alerts to silence: --service SERVICE (or --all-services). See 'steady silence add --help'.",
            await RefusedAsync("silence", "add", "--matcher", "alertname=DiskFull", "--duration", "2h", "--reason", "migration"));
        Assert.Equal(
            "steady: Option '--reason' is required. See 'steady silence add --help'.",
            await RefusedAsync("silence", "add", "--service", "db", "--matcher", "alertname=DiskFull", "--duration", "2h"));
    }

    [Fact]
    public async Task ABadSeverityIsAUsageError()
    {
        Assert.Equal(
            "steady: --severity: 'urgent' is not a severity; use critical, error, warning or info. See 'steady alert send --help'.",
            await RefusedAsync("alert", "send", "--key", "k", "Disk full", "--severity", "urgent"));
    }

    [Fact]
    public async Task SendingNeedsAKeyOrAServiceAndASummary()
    {
        Assert.Equal(
            "steady: Say where the alert goes: --key KEY (or STEADY_INTEGRATION_KEY), or --service SERVICE. See 'steady alert send --help'.",
            await RefusedAsync("alert", "send", "Disk full"));
        Assert.Equal(
            "steady: Give --key or --service, not both. See 'steady alert send --help'.",
            await RefusedAsync("alert", "send", "Disk full", "--key", "k", "--service", "db"));
        Assert.Equal(
            "steady: Say what is wrong: steady alert send \"SUMMARY\" (only --resolve with --dedup-key needs none). See 'steady alert send --help'.",
            await RefusedAsync("alert", "send", "--key", "k"));
        Assert.Equal(
            "steady: --link: 'grafana' is not an absolute http:// or https:// URL. See 'steady alert send --help'.",
            await RefusedAsync("alert", "send", "Disk full", "--key", "k", "--link", "grafana"));
        Assert.Equal(
            "steady: --details: '{' is not valid JSON. See 'steady alert send --help'.",
            await RefusedAsync("alert", "send", "Disk full", "--key", "k", "--details", "{"));
    }

    [Fact]
    public async Task ListFiltersAreCheckedToo()
    {
        Assert.Equal(
            "steady: --status: 'closed' is not a status; use open, triggered, acknowledged, resolved or all. See 'steady alert list --help'.",
            await RefusedAsync("alert", "list", "--status", "closed"));
        Assert.Equal(
            "steady: --label: 'prod' is not a label; use name=value, e.g. env=prod. See 'steady alert list --help'.",
            await RefusedAsync("alert", "list", "--label", "prod"));
        Assert.StartsWith(
            "steady: --since: 'yesterday' is neither a duration",
            await RefusedAsync("alert", "list", "--since", "yesterday"), StringComparison.Ordinal);
        Assert.Equal(
            "steady: --limit must be a positive number. See 'steady alert list --help'.",
            await RefusedAsync("alert", "list", "--limit", "0"));
    }

    [Fact]
    public async Task AnIdThatCannotBeOneIsAUsageError()
    {
        Assert.Equal(
            "steady: '12' is too short to be an id: give at least 6 of its characters, or the full id. See 'steady alert ack --help'.",
            await RefusedAsync("alert", "ack", "3f4a5b6c", "12"));
        Assert.Equal(
            "steady: 'latest' is not an id: give the full id or the short one a table shows. See 'steady silence expire --help'.",
            await RefusedAsync("silence", "expire", "latest"));
    }

    [Fact]
    public async Task TheGroupsAreListedInHelpAndShowTheirCommandsWhenCalledAlone()
    {
        var help = (await _person.RunAsync("--help")).Succeeded();
        foreach (var command in new[] { "alert", "silence", "maintenance" })
            Assert.Contains($"  {command} ", help.Out, StringComparison.Ordinal);

        var alert = await _person.RunAsync("alert");
        Assert.Equal(ExitCodes.Usage, alert.ExitCode);
        foreach (var command in new[] { "send", "list", "show", "ack", "resolve" })
            Assert.Contains($"  {command} ", alert.Out, StringComparison.Ordinal);
    }
}
