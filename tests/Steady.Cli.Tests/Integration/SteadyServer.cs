using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Steady.Cli.Tests.Integration;

/// <summary>
/// The real Steady server on a loopback port, with its own SQLite database in a temporary
/// directory and a first administrator whose API token is <see cref="AdminToken"/>.
/// </summary>
public sealed class SteadyServer : WebApplicationFactory<global::Program>, IAsyncLifetime
{
    public const string AdminToken = "stdy_cli_tests_admin_token_0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("steady-cli-server-").FullName;

    /// <summary>More settings (Steady:Smtp:Host, …).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The port it listens on; 0: any free port.</summary>
    public int Port { get; init; }

    /// <summary>Where its SQLite database (and its backups folder) live.</summary>
    public string Folder => _directory;

    public string Url { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        UseKestrel(Port);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Url = addresses.First().Replace("//localhost:", "//127.0.0.1:", StringComparison.Ordinal).Replace("//[::]:", "//127.0.0.1:", StringComparison.Ordinal).TrimEnd('/');
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As it runs for real; Development would also look for a wwwroot/ the server does not have.
        builder.UseEnvironment("Production");
        builder.UseSetting("Steady:Database:ConnectionString", $"Data Source={_directory}/steady.db");
        builder.UseSetting("Steady:Bootstrap:AdminToken", AdminToken);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
