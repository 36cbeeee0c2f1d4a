using Steady.Core.Alerts;
using Steady.Core.Incidents;

namespace Steady.Core.Tests.Incidents;

public sealed class IncidentRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly SeverityLevel Sev1 = SeverityTable.Default.Find("SEV1")!;
    private static readonly SeverityLevel Sev3 = SeverityTable.Default.Find("sev3")!;

    [Fact]
    public void TheDefaultSeveritiesFollowTheSeedsTable()
    {
        var levels = SeverityTable.Default.Levels;
        Assert.Equal(["SEV1", "SEV2", "SEV3"], levels.Select(l => l.Name));
        Assert.Equal(TimeSpan.FromMinutes(30), levels[0].UpdateCadence);
        Assert.Equal(TimeSpan.FromMinutes(60), levels[1].UpdateCadence);
        Assert.Null(levels[2].UpdateCadence);
        Assert.True(levels[0].PagesAtOnce && levels[0].Freezes && levels[0].RequiresPostmortem);
        Assert.False(levels[2].Freezes);
        Assert.Equal("Handle in business hours", levels[2].ExpectedResponse);
        Assert.False(SeverityTable.Default.Resolve("severity", "SEV9").Succeeded);
    }

    [Theory]
    [InlineData("SEV1", Severity.Critical)]
    [InlineData("sev1", Severity.Critical)]
    [InlineData("SEV2", Severity.Error)]
    [InlineData("SEV3", Severity.Error)]
    [InlineData("SEV9", Severity.Error)]
    public void TheSeverityTableSaysWhatAnIncidentsPagesCarry(string severity, Severity pages) =>
        Assert.Equal(pages, SeverityTable.Default.AlertSeverityOf(severity));

    [Fact]
    public void ASeverityTableRefusesDuplicates() =>
        Assert.Throws<ArgumentException>(() => new SeverityTable([Sev1, Sev1]));

    [Theory]
    [InlineData(IncidentStatus.Triage, IncidentStatus.Mitigating, null, true)]
    [InlineData(IncidentStatus.Triage, IncidentStatus.Resolved, null, true)]
    [InlineData(IncidentStatus.Mitigated, IncidentStatus.Mitigating, null, false)]
    [InlineData(IncidentStatus.Mitigated, IncidentStatus.Mitigating, "errors are back", true)]
    [InlineData(IncidentStatus.Resolved, IncidentStatus.Triage, "  ", false)]
    [InlineData(IncidentStatus.Mitigating, IncidentStatus.Mitigating, null, false)]
    public void GoingBackInTheLifecycleNeedsAReason(IncidentStatus from, IncidentStatus to, string? reason, bool allowed) =>
        Assert.Equal(allowed, Lifecycle.Check(from, to, reason) is null);

    [Fact]
    public void TheCommanderCanBeHandedOverButNeverToNobody()
    {
        var alice = Guid.NewGuid();
        var bob = Guid.NewGuid();
        RoleHolder[] current = [new(alice, IncidentRole.Commander, Now)];

        var toNobody = Roles.Assign(current, IncidentRole.Commander, null, "", Now);
        Assert.Equal(FailureKind.Invalid, toNobody.Failure!.Kind);
        Assert.Contains("exactly one commander", toNobody.Failure.Detail, StringComparison.Ordinal);

        var handoff = Roles.Assign(current, IncidentRole.Commander, bob, "Bob", Now).Value!;
        Assert.Equal(alice, Assert.Single(handoff.Ended).UserId);
        Assert.Equal(bob, handoff.Started!.UserId);

        Assert.False(Roles.Remove(current, IncidentRole.Commander, alice, "Alice").Succeeded);
        Assert.False(Roles.Assign(current, IncidentRole.Commander, alice, "Alice", Now).Succeeded);
    }

    [Fact]
    public void TwoCommandersAreRefused()
    {
        RoleHolder[] broken = [new(Guid.NewGuid(), IncidentRole.Commander, Now), new(Guid.NewGuid(), IncidentRole.Commander, Now)];
        Assert.Equal(FailureKind.Conflict, Roles.Assign(broken, IncidentRole.Commander, Guid.NewGuid(), "C", Now).Failure!.Kind);
    }

    [Fact]
    public void ACommunicationsLeadReplacesTheLastButRespondersAddUp()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        RoleHolder[] current = [new(a, IncidentRole.CommunicationsLead, Now), new(a, IncidentRole.Responder, Now)];
        Assert.Single(Roles.Assign(current, IncidentRole.CommunicationsLead, b, "B", Now).Value!.Ended);
        Assert.Empty(Roles.Assign(current, IncidentRole.Responder, b, "B", Now).Value!.Ended);
        Assert.Equal(Roles.Parse("comms"), IncidentRole.CommunicationsLead);
    }

    [Fact]
    public void AnUpdateNeedsKnownAndDoing()
    {
        var refused = StatusUpdates.Check(new StatusUpdateDraft(" ", "why", "", null, null), Sev1, Now);
        Assert.Equal(["doing", "known"], refused.Failure!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnUpdateIsDueAgainWithinTheSeveritysCadence()
    {
        var ok = StatusUpdates.Check(new StatusUpdateDraft("payments fail", null, "rolling back", null, "public"), Sev1, Now).Value!;
        Assert.Equal(Now.AddMinutes(30), ok.NextUpdateAt);
        Assert.Equal(UpdateVisibility.Public, ok.Visibility);
        Assert.False(StatusUpdates.Check(new StatusUpdateDraft("k", null, "d", Now.AddHours(2), null), Sev1, Now).Succeeded);
        Assert.Null(StatusUpdates.Check(new StatusUpdateDraft("k", null, "d", null, null), Sev3, Now).Value!.NextUpdateAt);
        Assert.False(StatusUpdates.Check(new StatusUpdateDraft("k", null, "d", null, "secret"), Sev3, Now).Succeeded);
    }

    [Fact]
    public void AnActionNeedsIntentAndExpectedEffect()
    {
        Assert.NotNull(DeliberateActions.Check(new ActionDraft("roll back", null, null, null, null), Now));
        Assert.Null(DeliberateActions.Check(new ActionDraft("roll back", "errors stop", "Alice", Now, null), Now));
        Assert.NotNull(DeliberateActions.Check(new ActionDraft("roll back", "errors stop", null, Now.AddHours(1), null), Now));
        Assert.NotNull(DeliberateActions.CheckObservation("better", null, null));
    }

    [Fact]
    public void ClosingNeedsTheWrittenRecordAndAResolvedIncident()
    {
        var record = new ClosingRecord("pool exhausted", "rolled back", "that the pool was large enough", "alert on pool use", "a deploy halved the pool");
        Assert.Equal(FailureKind.Conflict, Closing.Check(IncidentStatus.Mitigated, record, Sev1, false, false)!.Kind);
        var missing = Closing.Check(IncidentStatus.Resolved, record with { Cause = "" }, Sev1, false, false)!;
        Assert.Equal("cause", Assert.Single(missing.Errors!).Key);
        Assert.Null(Closing.Check(IncidentStatus.Resolved, record, Sev1, false, false));
        Assert.NotNull(Closing.Check(IncidentStatus.Resolved, record, Sev1, postmortemWritten: false, enforcePostmortem: true));
        Assert.Null(Closing.Check(IncidentStatus.Resolved, record, Sev3, postmortemWritten: false, enforcePostmortem: true));
    }

    [Fact]
    public void ResolutionWaitsUntilEverythingHasBeenHealthyLongEnough()
    {
        var window = TimeSpan.FromMinutes(10);
        HealthSignal[] failing = [new("check api-health", false, null)];
        Assert.Contains("api-health", Resolution.Check(failing, window, Now, isCommander: true, null)!.Detail, StringComparison.Ordinal);
        HealthSignal[] young = [new("check api-health", true, Now.AddMinutes(-4))];
        Assert.NotNull(Resolution.Check(young, window, Now, true, null));
        Assert.Equal(Now.AddMinutes(6), Resolution.AllowedAt(young, window, Now));
        HealthSignal[] old = [new("check api-health", true, Now.AddMinutes(-10))];
        Assert.Null(Resolution.Check(old, window, Now, false, null));
    }

    [Fact]
    public void OnlyTheCommanderOverridesTheResolutionCheck()
    {
        HealthSignal[] failing = [new("alert", false, null)];
        Assert.Null(Resolution.Check(failing, TimeSpan.FromMinutes(10), Now, isCommander: true, "customer confirmed"));
        Assert.Equal(FailureKind.Forbidden, Resolution.Check(failing, TimeSpan.FromMinutes(10), Now, isCommander: false, "customer confirmed")!.Kind);
    }

    [Fact]
    public void AnOverdueUpdateRemindsThenEscalatesOnce()
    {
        var due = Now;
        var after = TimeSpan.FromMinutes(10);
        Assert.Equal(CadenceStep.None, Cadence.Decide(due, CadenceStep.None, after, Now.AddMinutes(-1)).Step);
        Assert.Equal(due, Cadence.Decide(due, CadenceStep.None, after, Now.AddMinutes(-1)).NextCheckAt);
        Assert.Equal(CadenceStep.Remind, Cadence.Decide(due, CadenceStep.None, after, Now).Step);
        var waiting = Cadence.Decide(due, CadenceStep.Remind, after, Now.AddMinutes(5));
        Assert.Equal((CadenceStep.None, due + after), (waiting.Step, waiting.NextCheckAt));
        Assert.Equal(CadenceStep.Escalate, Cadence.Decide(due, CadenceStep.Remind, after, Now.AddMinutes(10)).Step);
        Assert.Equal(CadenceStep.None, Cadence.Decide(due, CadenceStep.Escalate, after, Now.AddHours(1)).Step);
        Assert.Equal(CadenceStep.None, Cadence.Decide(null, CadenceStep.None, after, Now).Step);
    }

    [Fact]
    public void AnOpenSev1OrSev2FreezesItsServiceButASev3DoesNot()
    {
        var table = SeverityTable.Default;
        Assert.False(Freezes.Decide([new(3, "slow page", "SEV3", IncidentStatus.Triage)], table, null).Frozen);
        var frozen = Freezes.Decide([new(3, "slow", "SEV3", IncidentStatus.Triage), new(7, "payments down", "SEV2", IncidentStatus.Mitigating)], table, null);
        Assert.Equal((true, (int?)7), (frozen.Frozen, frozen.Incident));
        Assert.False(Freezes.Decide([new(7, "payments down", "SEV1", IncidentStatus.Resolved)], table, null).Frozen);
        var manual = Freezes.Decide([], table, new ManualFreeze("release weekend", "Alice", null));
        Assert.True(manual.Frozen);
        Assert.Contains("release weekend", manual.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoMisusesInNinetyDaysSuspendTheLineUntilReinstated()
    {
        var policy = MisusePolicy.Default;
        Assert.False(policy.Suspends([Now.AddDays(-100), Now.AddDays(-1)], null, Now));
        Assert.True(policy.Suspends([Now.AddDays(-80), Now.AddDays(-1)], null, Now));
        Assert.False(policy.Suspends([Now.AddDays(-80), Now.AddDays(-1)], reinstatedAt: Now.AddHours(-1), Now));
    }

    [Fact]
    public void ALineTakesThreeSubmissionsInTenMinutesAndSaysWhenTheNextFits()
    {
        var limit = SubmissionLimit.Default;
        Assert.Null(limit.RetryAfter([Now.AddMinutes(-9), Now.AddMinutes(-1)], Now));
        Assert.Equal(TimeSpan.FromMinutes(1), limit.RetryAfter([Now.AddMinutes(-9), Now.AddMinutes(-5), Now.AddMinutes(-1)], Now));
        Assert.Null(limit.RetryAfter([Now.AddMinutes(-11), Now.AddMinutes(-5), Now.AddMinutes(-1)], Now));
        Assert.Null(new SubmissionLimit(0, TimeSpan.FromMinutes(10)).RetryAfter([Now, Now, Now], Now));
    }
}
