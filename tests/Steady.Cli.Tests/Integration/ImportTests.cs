namespace Steady.Cli.Tests.Integration;

/// <summary>steady import against a real server, with the PagerDuty fixture export of the server's tests.</summary>
public sealed class ImportTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    private static string Fixture
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Steady.slnx")))
                root = root.Parent;
            Assert.NotNull(root);
            return Path.Combine(root.FullName, "tests", "Steady.Server.Tests", "Import", "pagerduty");
        }
    }

    private Task<CliResult> RunAsync(params string[] args) => _person.RunAsync([.. args, "--server", server.Url, "--token", SteadyServer.AdminToken]);

    [Fact]
    public async Task ADryRunPlansTheYamlIsWrittenTheImportAppliesAndASecondImportChangesNothing()
    {
        var dry = (await RunAsync("import", "pagerduty", "--from", Fixture, "--dry-run")).Succeeded();
        Assert.Matches(@"schedule\s+Payments primary\s+would be created", dry.Out);
        Assert.Contains("Not carried over as it is:", dry.Out, StringComparison.Ordinal);
        Assert.Contains("- users.json, PU1ANA contact method PC3ANA: PagerDuty's app push cannot be moved.", dry.Out, StringComparison.Ordinal);
        Assert.EndsWith("nothing was changed.\n", dry.Out, StringComparison.Ordinal);

        var yamlPath = Path.Combine(_person.Home, "steady.yaml");
        var written = (await RunAsync("import", "pagerduty", "--from", Fixture, "--to-yaml", yamlPath)).Succeeded();
        Assert.Contains($"Wrote the configuration to {yamlPath}", written.Out, StringComparison.Ordinal);
        Assert.Contains("kind: escalation_policy", await File.ReadAllTextAsync(yamlPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var applied = (await RunAsync("apply", "-f", yamlPath)).Succeeded();
        Assert.Matches(@"\d+ created, 0 updated, 0 unchanged\.\n$", applied.Out);
        var again = (await RunAsync("import", "pagerduty", "--from", Fixture)).Succeeded();
        Assert.Matches(@"0 created, 0 updated, \d+ unchanged\.\n$", again.Out);
    }

    [Fact]
    public async Task ABadExportIsOneErrorLineNamingFileAndObject()
    {
        var folder = Path.Combine(_person.Home, "bad");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(Fixture, "*.json"))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        await File.WriteAllTextAsync(Path.Combine(folder, "services.json"), "services: not json", TestContext.Current.CancellationToken);

        var line = (await RunAsync("import", "pagerduty", "--from", folder)).SingleErrorLine(ExitCodes.Error);
        Assert.Contains("services.json, (file): is not JSON", line, StringComparison.Ordinal);
        Assert.Equal("steady: cannot read /nonexistent-export: no such folder", (await RunAsync("import", "pagerduty", "--from", "/nonexistent-export")).SingleErrorLine(ExitCodes.Error));
        Assert.Equal(ExitCodes.Usage, (await RunAsync("import", "victorops", "--from", folder)).ExitCode);
    }
}
