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
    public void WithoutObservedActionsOnlyTheFailedAssumptionsAreProposed()
    {
        Assert.Equal("None failed", PostmortemProposals.ContributingFactors(" None failed ", [new("x", "y", "z", At, null)]));
        Assert.Null(PostmortemProposals.ContributingFactors(null, []));
    }
}
