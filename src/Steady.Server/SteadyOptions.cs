using Steady.Server.Features.Setup;

namespace Steady.Server;

/// <summary>The "Steady" configuration section (appsettings, environment Steady__..., command line).</summary>
public sealed class SteadyOptions
{
    public const string Section = "Steady";

    public DatabaseOptions Database { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    /// <summary>The address people reach this server at, used in links printed and sent (default: the first --urls address).</summary>
    public string? PublicUrl { get; set; }

    public OnCallOptions OnCall { get; set; } = new();
}

/// <summary>The "Steady:OnCall" section.</summary>
public sealed class OnCallOptions
{
    /// <summary>How long before a shift starts the incoming person is told (a handoff notice).</summary>
    public TimeSpan HandoffNoticeLead { get; set; } = TimeSpan.FromHours(1);
}

public sealed class DatabaseOptions
{
    /// <summary>sqlite (default) or postgres.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>For SQLite defaults to Data Source=data/steady.db.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class BootstrapOptions
{
    /// <summary>When the database is empty, the first admin gets this API token instead of a printed password.</summary>
    public string? AdminToken { get; set; }

    public string AdminEmail { get; set; } = "admin@steady.local";

    public string AdminName { get; set; } = "Administrator";
}
