namespace Steady.Cli;

/// <summary>What `steady` exits with; scripts rely on these.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The request failed: the server is unreachable, or refused it (not found, conflict, forbidden, invalid).</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong: unknown command or option, missing argument.</summary>
    public const int Usage = 2;

    /// <summary>Reserved for `steady freeze check`: automation must hold.</summary>
    public const int Frozen = 3;

    /// <summary>No token is configured, or the server refused it: run `steady login`.</summary>
    public const int Auth = 4;
}
