namespace Steady.Cli.Config;

/// <summary>What `steady login` remembers: one server and the token for it.</summary>
public sealed record StoredConfig(string? Server = null, string? Token = null)
{
    public static readonly StoredConfig Empty = new();
}
