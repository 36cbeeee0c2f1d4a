namespace Steady.Server.Tests;

/// <summary>One server shared by a test class whose tests do not disturb each other.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public SteadyHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await SteadyHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
