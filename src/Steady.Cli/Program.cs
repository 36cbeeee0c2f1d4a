namespace Steady.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var environment = CliContext.Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        return Cli.RunAsync(args, Console.Out, Console.Error, environment);
    }
}
