using Steady.Core.Postmortems;

namespace Steady.Core.Tests.Postmortems;

public sealed class BlamelessCheckTests
{
    [Fact]
    public void TheDbaForgotToRenewTheCertificateIsFlaggedWithASystemFocusedSuggestion()
    {
        const string text = "the DBA forgot to renew the certificate";
        var finding = Assert.Single(BlamelessCheck.Check(text));
        Assert.Equal("forgot", finding.Words);
        Assert.Equal(text.IndexOf("forgot", StringComparison.Ordinal), finding.Start);
        Assert.Equal(6, finding.Length);
        Assert.Contains("manual step", finding.Suggestion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Root cause: human error during the failover.", "human error")]
    [InlineData("The on-call should have checked the dashboard.", "should have")]
    [InlineData("We should've paused the pipeline.", "should've")]
    [InlineData("A careless edit to the config.", "careless")]
    [InlineData("Carelessness in the runbook.", "Carelessness")]
    [InlineData("Someone had forgotten the flag.", "forgotten")]
    public void BlamingWordsAreFlagged(string text, string words) =>
        Assert.Equal(words, Assert.Single(BlamelessCheck.Check(text)).Words);

    [Fact]
    public void APersonsNameAsTheSubjectOfACauseIsFlagged()
    {
        var people = new[] { "Ana", "Ben Ortiz" };
        Assert.Equal("Ana deployed", Assert.Single(BlamelessCheck.Check("Ana deployed the bad build at 09:10.", people)).Words);
        Assert.Equal("caused by Ben Ortiz", Assert.Single(BlamelessCheck.Check("The outage was caused by Ben Ortiz.", people)).Words);
        // Named, but not as the cause: no finding.
        Assert.Empty(BlamelessCheck.Check("Ana paged the database team, who restored the replica.", people));
    }

    [Fact]
    public void SystemFocusedWordingPassesAndEmptyTextHasNothingToSay()
    {
        Assert.Empty(BlamelessCheck.Check("Certificate renewal was a manual step with no expiry alert; the certificate expired at 03:12."));
        Assert.Empty(BlamelessCheck.Check(null));
        Assert.Empty(BlamelessCheck.Check("  "));
    }

    [Fact]
    public void SeveralFindingsComeInTheOrderOfTheText()
    {
        var findings = BlamelessCheck.Check("Human error: Dev forgot the flag and should have asked.", ["Dev"]);
        Assert.Equal(["Human error", "Dev forgot", "forgot", "should have"], findings.Select(f => f.Words));
    }
}
