using Steady.Core.Alerts;

namespace Steady.Core.Tests;

public sealed class CheckRulesTests
{
    private static Check Http(int? expected = null, int? maxLatency = null, string? body = null) =>
        new() { Name = "c", Target = "http://127.0.0.1/", ExpectedStatus = expected, MaxLatencyMs = maxLatency, BodyMatch = body };

    [Theory]
    [InlineData(null, 200, true)]
    [InlineData(null, 204, true)]
    [InlineData(null, 301, false)]
    [InlineData(null, 503, false)]
    [InlineData(301, 301, true)]
    [InlineData(200, 201, false)]
    public void TheStatusMustBeTheExpectedOneOrAny2xx(int? expected, int status, bool ok) =>
        Assert.Equal(ok, CheckRules.JudgeHttp(Http(expected), status, 10, null).Ok);

    [Fact]
    public void ASlowAnswerFailsAndSaysHowSlow()
    {
        var (ok, message) = CheckRules.JudgeHttp(Http(maxLatency: 500), 200, 812, null);
        Assert.False(ok);
        Assert.Equal("HTTP 200 in 812 ms, slower than 500 ms", message);
    }

    [Fact]
    public void TheBodyMustContainTheMatch()
    {
        Assert.True(CheckRules.JudgeHttp(Http(body: "\"status\":\"ok\""), 200, 5, "{\"status\":\"ok\"}").Ok);
        var (ok, message) = CheckRules.JudgeHttp(Http(body: "\"status\":\"ok\""), 200, 5, "{\"status\":\"degraded\"}");
        Assert.False(ok);
        Assert.Contains("does not contain", message);
    }

    [Fact]
    public void AnAlertRisesOnlyAfterEnoughConsecutiveFailuresAndResolvesOnTheFirstSuccess()
    {
        var check = Http();
        check.FailuresToAlert = 2;
        check.ConsecutiveFailures = 1;
        Assert.Null(CheckRules.AlertChange(check, ok: false));
        check.ConsecutiveFailures = 2;
        Assert.Equal(IntakeAction.Trigger, CheckRules.AlertChange(check, ok: false));
        check.Alerting = true;
        check.ConsecutiveFailures = 3;
        Assert.Null(CheckRules.AlertChange(check, ok: false));
        Assert.Equal(IntakeAction.Resolve, CheckRules.AlertChange(check, ok: true));
        check.Alerting = false;
        Assert.Null(CheckRules.AlertChange(check, ok: true));
    }
}
