namespace Steady.Server.Features.Reports;

/// <summary>The reports' services: the thread they are computed on, the scope every report starts from, the three reports, the team settings' command, the demo's history.</summary>
public static class ReportsServices
{
    public static IServiceCollection AddSteadyReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportRunner>();
        services.AddScoped<ReportScopes>();
        services.AddScoped<ResponseReport>();
        services.AddScoped<OnCallReport>();
        services.AddScoped<NoiseReport>();
        services.AddScoped<ReportSettingsCommands>();
        services.AddScoped<DemoHistory>();
        return services;
    }
}
