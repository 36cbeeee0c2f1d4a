using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Steady.Server.Features.StatusPage;

/// <summary>The status page's wiring: its commands, its cache, its public pages and API.</summary>
public static class StatusPageServices
{
    public static IServiceCollection AddStatusPages(this IServiceCollection services)
    {
        services.AddSingleton<StatusPageCache>();
        services.AddScoped<StatusPageCommands>();
        services.AddScoped<PublicIncidentCommands>();
        services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AllowAnonymousToPage("/StatusPage/Public");
        });
        return services;
    }

    public static WebApplication MapStatusPages(this WebApplication app, RouteGroupBuilder api)
    {
        api.MapStatusPagesApi();
        return app;
    }
}
