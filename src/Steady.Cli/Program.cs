namespace Steady.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var environment = CliContext.Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        // Shells keep COLUMNS to themselves; a terminal's width is asked for only when stdout is one.
        if (environment["COLUMNS"] is null && !Console.IsOutputRedirected)
        {
            try
            {
                environment["COLUMNS"] = Console.WindowWidth.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }
        return Cli.RunAsync(args, Console.Out, Console.Error, environment);
    }
}
