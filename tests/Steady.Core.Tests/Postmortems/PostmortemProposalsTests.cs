using Steady.Core.Incidents;
using Steady.Core.Postmortems;

namespace Steady.Core.Tests.Postmortems;

public sealed class PostmortemProposalsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ActionsWithAnObservedEffectAreProposedExpectedAgainstObservedAfterTheFailedAssumptions()
    {
        var text = PostmortemProposals.ContributingFactors("That renewal was automatic.",
        [
            new("Restart the edge proxies", "TLS handshakes succeed", "Ana", At.AddMinutes(20), "Handshakes still fail; 2 minutes of full outage while they restarted."),
            new("Issue a certificate by hand", "Browsers accept checkout", "Ben", At.AddMinutes(5), "Browsers accept checkout."),
            new("Page the vendor", "An answer in 15 minutes", "Ana", At.AddMinutes(30), null),
        ])!;
        Assert.StartsWith("That renewal was automatic.\n\nActions taken, expected against observed — did any make it worse?\n", text, StringComparison.Ordinal);
        var issue = text.IndexOf("- 09:05 UTC, Issue a certificate by hand (decided by Ben): expected Browsers accept checkout; observed Browsers accept checkout.", StringComparison.Ordinal);
        var restart = text.IndexOf("- 09:20 UTC, Restart the edge proxies (decided by Ana): expected TLS handshakes succeed; observed Handshakes still fail; 2 minutes of full outage while they restarted.", StringComparison.Ordinal);
        Assert.True(issue > 0 && restart > issue, text);
        Assert.DoesNotContain("Page the vendor", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ActionsJudgedToHaveMadeItWorseAreProposedAsSuchFirstThoseNotJudgedAfterAndThoseThatWorkedOrDidNothingNot()
    {
        var text = PostmortemProposals.ContributingFactors("That renewal was automatic.",
        [
            new("Restart the edge proxies", "TLS handshakes succeed", "Ana", At.AddMinutes(20), "Handshakes still fail; 2 minutes of full outage.", ActionVerdict.MadeWorse),
            new("Issue a certificate by hand", "Browsers accept checkout", "Ben", At.AddMinutes(5), "Browsers accept checkout.", ActionVerdict.AsExpected),
            new("Flush the CDN", "The new certificate is served", "Ben", At.AddMinutes(10), "Nothing changed.", ActionVerdict.NoEffect),
            new("Drain Frankfurt", "Errors halve", "Cleo", At.AddMinutes(2), "Errors halved."),
            new("Scale the proxies up", "Queues shrink", "Ana", At.AddMinutes(1), "Queues doubled.", ActionVerdict.MadeWorse),
        ])!;
        Assert.Equal(
            "That renewal was automatic.\n\n"
            + "Actions that made it worse:\n"
            + "\n- made it worse: Scale the proxies up (09:01 UTC, decided by Ana) — expected Queues shrink, observed Queues doubled."
            + "\n- made it worse: Restart the edge proxies (09:20 UTC, decided by Ana) — expected TLS handshakes succeed, observed Handshakes still fail; 2 minutes of full outage.\n\n"
            + "Actions taken, expected against observed — did any make it worse?\n"
            + "\n- 09:02 UTC, Drain Frankfurt (decided by Cleo): expected Errors halve; observed Errors halved.", text);
    }

    [Fact]
    public void ActionsThatWorkedOrDidNothingAreNotProposed()
    {
        Assert.Null(PostmortemProposals.ContributingFactors(null, [new("x", "y", "z", At, "as hoped", ActionVerdict.AsExpected), new("a", "b", "c", At, "nothing", ActionVerdict.NoEffect)]));
        Assert.Equal("- made it worse: x (09:00 UTC, decided by z) — expected y, observed worse.",
            PostmortemProposals.ContributingFactors(null, [new("x", "y", "z", At, "worse", ActionVerdict.MadeWorse)])!.Split("\n")[^1]);
    }

    [Fact]
    public void TheVerdictsWireNamesParseAndAnythingElseIsRefusedNamingTheField()
    {
        Assert.Equal(["as_expected", "no_effect", "made_worse"], Enum.GetValues<ActionVerdict>().Select(v => v.ToWire()));
        Assert.Equal(ActionVerdict.MadeWorse, DeliberateActions.CheckVerdict("made_worse", "worse").Value);
        Assert.Equal(ActionVerdict.NoEffect, DeliberateActions.CheckVerdict(" No-Effect ", "nothing").Value);
        Assert.Null(DeliberateActions.CheckVerdict(" ", "nothing").Value);
        Assert.Null(DeliberateActions.CheckVerdict(null, null).Failure);
        var bad = DeliberateActions.CheckVerdict("worse", "it got worse").Failure!;
        Assert.Equal("'verdict' must be one of as_expected, no_effect, made_worse (or left out), not 'worse'.", bad.Errors!["verdict"][0]);
        Assert.True(DeliberateActions.CheckVerdict("made_worse", " ").Failure!.Errors!.ContainsKey("verdict"));
    }

    [Fact]
    public void WithoutObservedActionsOnlyTheFailedAssumptionsAreProposed()
    {
        Assert.Equal("None failed", PostmortemProposals.ContributingFactors(" None failed ", [new("x", "y", "z", At, null)]));
        Assert.Null(PostmortemProposals.ContributingFactors(null, []));
    }
}
