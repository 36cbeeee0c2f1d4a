namespace Steady.Server.Features.Setup;

/// <summary>
/// Runs once the database is ready (it is registered right after <see cref="Data.DatabaseStartup"/>, and hosted
/// services start in order, before the server listens): the first admin on an empty database, and the demo when asked.
/// </summary>
public sealed class FirstStart(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Bootstrap>().RunAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
