namespace Steady.Cli;

/// <summary>
/// What one run of `steady` sees of the world: its output streams, its environment, and how it
/// asks for a secret. Tests pass their own, so nothing touches the real process environment.
/// </summary>
public sealed class CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?> environment, Func<string, string?> readSecret)
{
    /// <summary>The variables `steady` reads, so a process needs to copy only these.</summary>
    public static readonly string[] Variables = ["STEADY_SERVER", "STEADY_TOKEN", "STEADY_INTEGRATION_KEY", "HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "STEADY_SERVER_BINARY", "COLUMNS"];

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public IReadOnlyDictionary<string, string?> Environment { get; } = environment;

    /// <summary>Asks for a secret (the prompt goes to stderr, the typing is not echoed); null when none comes.</summary>
    public Func<string, string?> ReadSecret { get; } = readSecret;

    /// <summary>
    /// How many columns the terminal shows (COLUMNS; the program fills it in from the terminal when stdout is one), or
    /// null when output goes to a file or a pipe: tables are then never cut to fit.
    /// </summary>
    public int? Width { get; } = int.TryParse(environment.GetValueOrDefault("COLUMNS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns >= 40 ? columns : null;

    /// <summary>The clock: "3m ago", durations from now. Tests may set their own.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
