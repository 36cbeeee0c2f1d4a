namespace Steady.Core.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void EveryWrongFieldIsNamedAtOnce()
    {
        var failure = new Validation().Name("name", "").Email("email", "nope").TimeZone("timeZone", "Mars/Base").ToFailure();
        Assert.NotNull(failure);
        Assert.Equal(["name", "email", "timeZone"], failure.Errors!.Keys);
        Assert.Equal(FailureKind.Invalid, failure.Kind);
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("America/Sao_Paulo", true)]
    [InlineData("Etc/UTC", true)]
    [InlineData("Berlin", false)]
    [InlineData("+02:00", false)]
    public void TimeZonesAreIanaZoneIds(string zone, bool valid) =>
        Assert.Equal(valid, new Validation().TimeZone("tz", zone).IsValid);

    [Theory]
    [InlineData("https://runbooks.example.com/x", true)]
    [InlineData("http://wiki/x", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("ftp://files/x", false)]
    [InlineData("/relative", false)]
    [InlineData(null, true)]
    public void LinksMustBeAbsoluteHttpUrls(string? url, bool valid) =>
        Assert.Equal(valid, new Validation().Url("runbookUrl", url).IsValid);

    [Theory]
    [InlineData("payments-api", true)]
    [InlineData("ops/infra", false)]
    [InlineData("ops\\infra", false)]
    public void NamesUsedInUrlsHaveNoSlashes(string name, bool valid) =>
        Assert.Equal(valid, new Validation().PathName("name", name).IsValid);

    [Theory]
    [InlineData("ops@example.com", true)]
    [InlineData("Ops Lead <ops@example.com>", false)]
    [InlineData("ops@", false)]
    public void EmailsAreBareAddresses(string email, bool valid) =>
        Assert.Equal(valid, new Validation().Email("email", email).IsValid);
}
