using Steady.Cli.Config;

namespace Steady.Cli.Tests;

/// <summary>What one run of `steady` did: its exit code and everything it printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Asserts the run failed with exactly one "steady: ..." line on stderr, and returns that line.</summary>
    public string SingleErrorLine(int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"expected exit {exitCode}, got {ExitCode}; stdout: {Out}; stderr: {Error}");
        var line = Assert.Single(ErrorLines);
        Assert.StartsWith("steady: ", line, StringComparison.Ordinal);
        return line;
    }

    public CliResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"expected exit 0, got {ExitCode}; stdout: {Out}; stderr: {Error}");
        Assert.Equal("", Error);
        return this;
    }
}

/// <summary>
/// A person at a terminal: their own home directory and environment, and what they would type at
/// a prompt. Runs the CLI in-process, so nothing touches the real environment or ~/.config.
/// </summary>
public sealed class Person : IDisposable
{
    public Person()
    {
        Home = Directory.CreateTempSubdirectory("steady-cli-home-").FullName;
        Environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["HOME"] = Home };
    }

    public string Home { get; }

    public Dictionary<string, string?> Environment { get; }

    /// <summary>What the person types when asked for a secret (null: nothing, as at end of input).</summary>
    public string? Types { get; set; }

    public List<string> Prompts { get; } = [];

    public string ConfigPath => ConfigFile.PathFor(Environment);

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await Cli.RunAsync(args, output, error, Environment, prompt =>
        {
            Prompts.Add(prompt);
            return Types;
        }, TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
