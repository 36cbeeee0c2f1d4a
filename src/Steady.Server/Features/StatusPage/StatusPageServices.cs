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
        // After AddRazorPages set the root and the sign-in rule for every folder.
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AllowAnonymousToPage("/StatusPage/Public");
            o.Conventions.AllowAnonymousToPage("/StatusPage/PublicIncident");
            o.Conventions.AddPageRoute("/StatusPage/PublicIncident", "status/{slug}/incidents/{id:guid}");
        });
        return services;
    }

    public static WebApplication MapStatusPages(this WebApplication app, RouteGroupBuilder api)
    {
        api.MapStatusPagesApi();
        app.MapPublicFeeds();
        return app;
    }
}
