namespace Steady.Server.Features.Reports;

/// <summary>
/// The reports' services in the server: the worker process they are computed in (<see cref="ReportWorker"/>; the three
/// reports themselves are registered there, <see cref="ReportWorkerProcess"/>), the scope every report starts from, the team
/// settings' command, the demo's history.
/// </summary>
public static class ReportsServices
{
    public static IServiceCollection AddSteadyReports(this IServiceCollection services)
    {
        services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section);
        services.AddSingleton<ReportWorker>();
        services.AddScoped<ReportScopes>();
        services.AddScoped<ReportSettingsCommands>();
        services.AddScoped<DemoHistory>();
        return services;
    }
}
