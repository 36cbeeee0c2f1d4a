using Steady.Server;
using Steady.Server.Data;

if (args is [Steady.Server.Features.Backups.Restore.Verb, .. var restore])
    return await Steady.Server.Features.Backups.Restore.RunAsync(restore, Console.Out, Console.Error);
if (args is [Steady.Server.Features.Reports.ReportWorkerProcess.Verb])
    return await Steady.Server.Features.Reports.ReportWorkerProcess.RunAsync(Console.In, Console.Out, Console.Error);
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
