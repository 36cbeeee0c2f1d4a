using Steady.Core.Accounts;

namespace Steady.Core.Tests.Accounts;

public sealed class SecretsTests
{
    [Fact]
    public void TokensAreUniqueUrlSafeAndPrefixed()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => Secrets.NewToken()).ToList();
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^stdy_[A-Za-z0-9_-]{43}$", t));
    }

    [Fact]
    public void TheStoredHashIsStableAndIsNotTheSecret()
    {
        var token = Secrets.NewToken();
        Assert.Equal(Secrets.Hash(token), Secrets.Hash(token));
        Assert.NotEqual(Secrets.Hash(token), Secrets.Hash(Secrets.NewToken()));
        Assert.DoesNotContain(token, Secrets.Hash(token));
        Assert.Matches("^[0-9a-f]{64}$", Secrets.Hash(token));
    }

    [Fact]
    public void IntegrationKeysHaveTheShapeOfAPagerDutyRoutingKey() =>
        Assert.Matches("^[0-9a-f]{32}$", Secrets.NewIntegrationKey());

    [Fact]
    public void APrintedPasswordAvoidsLookAlikeCharacters()
    {
        var password = Secrets.NewPassword();
        Assert.Equal(20, password.Length);
        Assert.DoesNotContain(password, c => "0O1lI".Contains(c));
    }

    [Fact]
    public void TheDisplayPrefixRevealsOnlyAFewCharactersOfTheSecret()
    {
        var token = Secrets.NewToken();
        Assert.Equal(11, Secrets.DisplayPrefix(token).Length);
        Assert.StartsWith(Secrets.DisplayPrefix(token), token);
    }
}
