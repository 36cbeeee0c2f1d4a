namespace Steady.Cli;

/// <summary>
/// A failure to report to the person at the terminal: its message becomes the single
/// "steady: ..." line on stderr, and its exit code the process's.
/// </summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
