using Steady.Server;
using Steady.Server.Data;

try
{
    var app = SteadyApp.Build(args);
    // Read before running: RunAsync disposes the services when the host stops.
    var exit = app.Services.GetRequiredService<Steady.Server.Features.Paging.ServerExit>();
    await app.RunAsync();
    return exit.Code;
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync($"steady: {e.Message}");
    return 1;
}

public partial class Program;
