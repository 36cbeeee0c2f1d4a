namespace Steady.Host.Tests;

public sealed class RedactorTests
{
    [Theory]
    [InlineData(new[] { "app", "--password=hunter2" }, "app --password=***")]
    [InlineData(new[] { "app", "--db-password=hunter2", "--port=5432" }, "app --db-password=*** --port=5432")]
    [InlineData(new[] { "app", "--password", "hunter2", "--verbose" }, "app --password *** --verbose")]
    [InlineData(new[] { "app", "--token", "abc123def", "serve" }, "app --token *** serve")]
    [InlineData(new[] { "app", "--api-key=AbCdEf", "--client-secret", "s3cr3t" }, "app --api-key=*** --client-secret ***")]
    [InlineData(new[] { "app", "--auth-required", "--listen", ":80" }, "app --auth-required --listen :80")]
    [InlineData(new[] { "app", "--password", "--next-flag" }, "app --password --next-flag")]
    public void OptionsNamedForSecretsLoseTheirValues(string[] args, string expected) =>
        Assert.Equal(expected, Redactor.CommandLine(args));

    [Theory]
    [InlineData("env", "DB_PASSWORD=hunter2", "env DB_PASSWORD=***")]
    [InlineData("env", "AWS_SECRET_ACCESS_KEY=abc/def+ghi", "env AWS_SECRET_ACCESS_KEY=***")]
    [InlineData("env", "password=x", "env password=***")]
    [InlineData("env", "GITHUB_TOKEN=zzz", "env GITHUB_TOKEN=***")]
    [InlineData("java", "-Djavax.net.ssl.keyStorePassword=changeit", "java -Djavax.net.ssl.keyStorePassword=***")]
    [InlineData("env", "PWD=/srv/app", "env PWD=/srv/app")]
    [InlineData("env", "LOG_LEVEL=debug", "env LOG_LEVEL=debug")]
    public void EnvironmentLikeArgumentsNamedForSecretsLoseTheirValues(string program, string arg, string expected) =>
        Assert.Equal(expected, Redactor.CommandLine([program, arg]));

    [Theory]
    [InlineData("postgres://app:s3cret@db:5432/app", "postgres://app:***@db:5432/app")]
    [InlineData("--url=https://deploy:ghs_abc@github.com/o/r.git", "--url=https://deploy:***@github.com/o/r.git")]
    [InlineData("amqp://guest:guest@rabbit/", "amqp://guest:***@rabbit/")]
    [InlineData("redis://:onlypassword@cache:6379", "redis://:***@cache:6379")]
    [InlineData("https://example.com/path?x=1", "https://example.com/path?x=1")]
    [InlineData("https://api.example.com/v1?access_token=abc&page=2", "https://api.example.com/v1?access_token=***&page=2")]
    public void UrlsKeepTheirUserAndHostButNotThePassword(string arg, string expected) =>
        Assert.Equal(expected, Redactor.Text(arg));

    [Theory]
    [InlineData(new[] { "curl", "-H", "Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.SflKxwRJSM", "https://x" }, "curl -H Authorization: *** https://x")]
    [InlineData(new[] { "curl", "-H", "X-Api-Key: 12345", "https://x" }, "curl -H X-Api-Key: *** https://x")]
    [InlineData(new[] { "curl", "-H", "Accept: application/json", "https://x" }, "curl -H Accept: application/json https://x")]
    [InlineData(new[] { "curl", "-u", "deploy:hunter2", "https://x" }, "curl -u deploy:*** https://x")]
    [InlineData(new[] { "wget", "--header=Authorization: Basic ZGVwbG95Omh1bnRlcjI=", "https://x" }, "wget --header=Authorization: *** https://x")]
    public void CredentialHeadersAndUserPasswordPairsAreRedacted(string[] args, string expected) =>
        Assert.Equal(expected, Redactor.CommandLine(args));

    [Theory]
    [InlineData(new[] { "mysql", "-uroot", "-phunter2", "shop" }, "mysql -uroot -p*** shop")]
    [InlineData(new[] { "ssh", "-p2222", "host" }, "ssh -p2222 host")]
    public void MysqlsGluedPasswordIsRedactedButOtherProgramsDashPIsNot(string[] args, string expected) =>
        Assert.Equal(expected, Redactor.CommandLine(args));

    [Theory]
    [InlineData("worker ghp_0123456789abcdefghijABCDEFGHIJ", "worker ***")]
    [InlineData("bot xoxb-1234567890-abcdefghij", "bot ***")]
    [InlineData("aws AKIAIOSFODNN7EXAMPLE", "aws ***")]
    [InlineData("steady stdy_abcdefgh12345678", "steady ***")]
    [InlineData("app eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "app ***")]
    public void WellKnownTokenShapesAreRedactedWhereverTheyAppear(string text, string expected) =>
        Assert.Equal(expected, Redactor.Text(text));

    [Fact]
    public void JsonArgumentsKeepTheirKeysButNotSecretValues() =>
        Assert.Equal(
            """agent --env {"DB_PASSWORD": "***", "HOME": "/root", "AWS_SECRET_ACCESS_KEY":"***"}""",
            Redactor.CommandLine(["agent", "--env", """{"DB_PASSWORD": "hunter2", "HOME": "/root", "AWS_SECRET_ACCESS_KEY":"abc\"def"}"""]));

    [Fact]
    public void ACommandLineWithoutSecretsIsUnchanged() =>
        Assert.Equal("nginx: worker process -g daemon off;", Redactor.CommandLine(["nginx: worker process", "-g", "daemon off;"]));
}
