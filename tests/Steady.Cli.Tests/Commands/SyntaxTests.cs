using Steady.Cli.Commands;

namespace Steady.Cli.Tests.Commands;

public sealed class SyntaxTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 15 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData(" 2H ", 7200)]
    public void DurationsAreANumberAndAUnit(string text, int seconds)
    {
        Assert.True(Syntax.TryDuration(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("2x")]
    [InlineData("2")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("1.5h")]
    [InlineData("")]
    public void AnythingElseIsNotADurationAndTheErrorShowsWhatIs(string text)
    {
        Assert.False(Syntax.TryDuration(text, out _, out var error));
        Assert.Equal($"'{text}' is not a duration; use e.g. 30s, 15m, 2h, 1d or 1h30m.", error);
    }

    [Fact]
    public void AZeroDurationIsRefused()
    {
        Assert.False(Syntax.TryDuration("0m", out _, out var error));
        Assert.Equal("'0m' is not a duration: it must be more than zero.", error);
    }

    [Fact]
    public void AnEnormousDurationIsRefusedRatherThanOverflowing()
    {
        Assert.False(Syntax.TryDuration("99999999999999999999d", out _, out var error));
        Assert.Contains("too long", error, StringComparison.Ordinal);
        Assert.False(Syntax.TryDuration("400d", out _, out error));
        Assert.Contains("too long", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alertname=DiskFull", "alertname", "DiskFull", false, true)]
    [InlineData("env!=dev", "env", "dev", false, false)]
    [InlineData("env=~prod|staging", "env", "prod|staging", true, true)]
    [InlineData("job!~batch-.*", "job", "batch-.*", true, false)]
    [InlineData("alertname=\"Disk Full\"", "alertname", "Disk Full", false, true)]
    [InlineData("note=\"say \\\"hi\\\"\"", "note", "say \"hi\"", false, true)]
    [InlineData(" env = prod ", "env", "prod", false, true)]
    [InlineData("empty=", "empty", "", false, true)]
    [InlineData("url=a=b", "url", "a=b", false, true)]
    public void MatchersReadAlertmanagersFourOperators(string text, string name, string value, bool isRegex, bool isEqual)
    {
        Assert.True(Syntax.TryMatcher(text, out var matcher, out var error), error);
        Assert.Equal(new MatcherSpec(name, value, isRegex, isEqual), matcher);
    }

    [Theory]
    [InlineData("DiskFull")]
    [InlineData("=DiskFull")]
    [InlineData("alert name=x")]
    public void AMatcherWithoutANameOrOperatorIsRefused(string text)
    {
        Assert.False(Syntax.TryMatcher(text, out _, out var error));
        Assert.StartsWith($"'{text}' is not a matcher; use name=value, name!=value, name=~regex or name!~regex", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMatcherWithABrokenRegexIsRefusedBeforeTheServerSeesIt()
    {
        Assert.False(Syntax.TryMatcher("env=~prod(", out _, out var error));
        Assert.StartsWith("'env=~prod(': Invalid pattern", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnfinishedQuoteIsRefused()
    {
        Assert.False(Syntax.TryMatcher("env=\"prod", out _, out var error));
        Assert.Equal("'env=\"prod' has a value with an unfinished quote.", error);
    }

    [Fact]
    public void MatchersPrintAsAlertmanagerWritesThem()
    {
        Assert.Equal("env=~\"prod|staging\"", new MatcherSpec("env", "prod|staging", true, true).ToString());
        Assert.Equal("x!=\"a\\\"b\"", new MatcherSpec("x", "a\"b", false, false).ToString());
    }

    [Fact]
    public void MatchersMatchAsTheServerDoesAnchoredAndWithMissingLabelsEmpty()
    {
        var labels = new Dictionary<string, string> { ["env"] = "production", ["alertname"] = "DiskFull" };
        Assert.True(new MatcherSpec("alertname", "DiskFull", false, true).Matches(labels));
        Assert.False(new MatcherSpec("env", "prod", true, true).Matches(labels));
        Assert.True(new MatcherSpec("env", "prod.*", true, true).Matches(labels));
        Assert.True(new MatcherSpec("env", "dev", false, false).Matches(labels));
        Assert.True(new MatcherSpec("team", "", false, true).Matches(labels));
        Assert.False(new MatcherSpec("env", "prod.*", true, false).Matches(labels));
    }

    [Theory]
    [InlineData("env=prod", "env", "prod")]
    [InlineData("url=http://x/?a=b", "url", "http://x/?a=b")]
    [InlineData("empty=", "empty", "")]
    public void LabelsAreNameEqualsValue(string text, string name, string value)
    {
        Assert.True(Syntax.TryLabel(text, out var label, out _));
        Assert.Equal(new KeyValuePair<string, string>(name, value), label);
    }

    [Theory]
    [InlineData("env")]
    [InlineData("=prod")]
    public void ALabelWithoutANameIsRefused(string text)
    {
        Assert.False(Syntax.TryLabel(text, out _, out var error));
        Assert.Equal($"'{text}' is not a label; use name=value, e.g. env=prod.", error);
    }

    [Fact]
    public void SinceIsADurationAgoOrATime()
    {
        var now = new DateTimeOffset(2025, 6, 1, 3, 0, 0, TimeSpan.Zero);
        Assert.True(Syntax.TryPast("90m", now, out var at, out _));
        Assert.Equal(now.AddMinutes(-90), at);
        Assert.True(Syntax.TryPast("2025-05-31T22:00Z", now, out at, out _));
        Assert.Equal(new DateTimeOffset(2025, 5, 31, 22, 0, 0, TimeSpan.Zero), at);
        Assert.False(Syntax.TryPast("yesterday", now, out _, out var error));
        Assert.StartsWith("'yesterday' is neither a duration", error, StringComparison.Ordinal);
    }
}
