using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Tokens;
using Steady.Server.Features.Setup;

namespace Steady.Server.Tests;

/// <summary>
/// The real server, listening on a loopback port through Kestrel, on a fresh database, with a
/// controllable clock. The first administrator gets <see cref="AdminToken"/>.
/// </summary>
public sealed class SteadyHost : WebApplicationFactory<Program>
{
    public const string AdminToken = "stdy_test-admin-token-0123456789abcdef";

    private readonly Action<IWebHostBuilder>? _configure;

    private SteadyHost(TestDatabase database, Action<IWebHostBuilder>? configure)
    {
        Database = database;
        _configure = configure;
        UseKestrel(0);
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Moves the clock on once no page is in flight. In a running server minutes do not pass between
    /// a message being sent and its outcome being stored; a jump there is a node stalling past its
    /// lease, whose message is rightly sent again (FencingTests make that stall on purpose with
    /// <see cref="Clock"/> itself). Gives up waiting after 5 s and moves the clock anyway.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await SettledAsync();
        Clock.Advance(by);
    }

    /// <summary>As <see cref="AdvanceAsync"/>, to an instant.</summary>
    public async Task SetClockAsync(DateTimeOffset to)
    {
        await SettledAsync();
        Clock.SetUtcNow(to);
    }

    private async Task SettledAsync()
    {
        for (var i = 0; i < 100 && await WithDbAsync((db, _) => db.Deliveries.AnyAsync(d => d.LeaseOwner != null && d.State == Steady.Core.Paging.DeliveryState.Sending)); i++)
            await Task.Delay(50);
    }

    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress => new(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First() + "/");

    public static async Task<SteadyHost> StartAsync(Action<IWebHostBuilder>? configure = null, TestDatabase? database = null)
    {
        var host = new SteadyHost(database ?? await TestDatabase.CreateAsync(), configure);
        try
        {
            host.StartServer();
        }
        catch
        {
            // A server that refused to start lets go of its database (the SQLite lock), so the test can start another on it.
            try
            {
                if (database is null)
                    await host.DisposeAsync();
                else
                    await host.DisposeAsyncKeepingDatabase();
            }
            catch (Exception)
            {
            }
            throw;
        }
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Steady:Database:Provider", Database.Provider);
        builder.UseSetting("Steady:Database:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Steady:Secrets:KeyFile", Path.Combine(Database.Folder, "steady.key")); // beside the SQLite file (its default), and per database on PostgreSQL
        builder.UseSetting("Steady:Bootstrap:AdminToken", AdminToken);
        builder.UseSetting("Steady:Backup:Directory", Path.Combine(Database.Folder, "backups"));
        builder.UseSetting("Steady:Backup:Schedule", "off"); // tests that move the clock by days take no backups unless they ask (Operations/ScheduledBackupTests)
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton(new Steady.Server.Features.Setup.OperatorConsole(TextWriter.Null));
        });
        _configure?.Invoke(builder);
    }

    /// <summary>
    /// For tests whose receivers (webhooks, SMS providers, checked sites) listen on 127.0.0.1 and are set up by people who
    /// are not administrators: the allow-list names 127.0.0.1, as an administrator would for a receiver on the server's own
    /// host (loopback is otherwise refused to them: docs/security.md), and allows every other destination.
    /// </summary>
    public static void AllowLoopbackReceivers(IWebHostBuilder builder)
    {
        builder.UseSetting("Steady:Outbound:Allow:0", "*");
        builder.UseSetting("Steady:Outbound:Allow:1", "127.0.0.1");
    }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    public HttpClient As(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin() => As(AdminToken);

    /// <summary>Runs code against the server's own database (to arrange what the API cannot, e.g. tokens for other people).</summary>
    public async Task<T> WithDbAsync<T>(Func<SteadyDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SteadyDb>(), scope.ServiceProvider);
    }

    /// <summary>A new user with an API token, as the organization admin would set them up.</summary>
    public async Task<(Guid Id, string Token)> CreateUserAsync(string name, bool isAdmin = false)
    {
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}.{Guid.NewGuid():N}@example.com";
        var response = await Admin().PostAsJsonAsync("/api/v1/users", new { name, email, timeZone = "Europe/Berlin", isAdmin });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
        var token = Secrets.NewToken();
        await WithDbAsync(async (db, sp) =>
        {
            sp.GetRequiredService<TokenCommands>().Issue(id, "test", token);
            return await db.SaveChangesAsync();
        });
        return (id, token);
    }

    /// <summary>Stops the server but keeps its database, to start another server on it.</summary>
    public async ValueTask DisposeAsyncKeepingDatabase() => await base.DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed record IdOnly(Guid Id);
}
