using Steady.Server;
using Steady.Server.Data;

try
{
    var app = SteadyApp.Build(args);
    await app.RunAsync();
    return app.Services.GetRequiredService<Steady.Server.Features.Paging.ServerExit>().Code;
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync($"steady: {e.Message}");
    return 1;
}

public partial class Program;
