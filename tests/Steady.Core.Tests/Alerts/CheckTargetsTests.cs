using Steady.Core.Alerts;

namespace Steady.Core.Tests.Alerts;

/// <summary>A check's target as people outside its team see it: what is checked, without its credentials.</summary>
public sealed class CheckTargetsTests
{
    [Theory]
    [InlineData("https://monitor:S3cret@internal/health?api_key=abc123", "https://***@internal/health?api_key=***")]
    [InlineData("https://token@internal:8443/health", "https://***@internal:8443/health")]
    [InlineData("http://internal/health?region=eu&token=t0k&flag", "http://internal/health?region=***&token=***&***")]
    [InlineData("https://internal/health#s3cret", "https://internal/health#***")]
    [InlineData("https://internal/health", "https://internal/health")]
    [InlineData("http://10.0.0.5:8080/", "http://10.0.0.5:8080/")]
    public void AnHttpTargetKeepsSchemeHostPortAndPathAndHidesUserPasswordAndQueryValues(string target, string masked) =>
        Assert.Equal(masked, CheckTargets.Masked(CheckKind.Http, target));

    [Fact]
    public void ATcpTargetHasNothingToHide() =>
        Assert.Equal("db1.internal:5432", CheckTargets.Masked(CheckKind.Tcp, "db1.internal:5432"));

    [Fact]
    public void WhatIsNoHttpUrlIsHiddenWhole() =>
        Assert.Equal("***", CheckTargets.Masked(CheckKind.Http, "not a url with s3cret"));

    [Theory]
    [InlineData("https://internal/health", false)]
    [InlineData("https://u:p@internal/health", true)]
    [InlineData("https://internal/health?k=v", true)]
    public void ATargetHasSecretsWhenMaskingChangesIt(string target, bool has) =>
        Assert.Equal(has, CheckTargets.HasSecrets(CheckKind.Http, target));
}
