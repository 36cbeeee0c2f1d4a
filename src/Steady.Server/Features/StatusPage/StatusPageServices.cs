using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Steady.Server.Features.StatusPage;

/// <summary>The status page's wiring: its commands, its cache, its public pages and API.</summary>
public static class StatusPageServices
{
    public static IServiceCollection AddStatusPages(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StatusPageOptions>(configuration.GetSection(StatusPageOptions.Section));
        services.AddSingleton<StatusPageCache>();
        services.AddSingleton<StatusPageHosts>();
        services.AddSingleton<StatusPageAccess>();
        services.AddSingleton<Infrastructure.ServerKeys>();
        services.AddSingleton<SubscriberLinks>();
        services.AddSingleton<SubscriberMail>();
        services.AddSingleton<Infrastructure.WakeSignal<StatusPageWorker>>();
        services.AddScoped<StatusPageCommands>();
        services.AddScoped<StatusBroadcasts>();
        services.AddScoped<PublicIncidentCommands>();
        services.AddScoped<MaintenanceCommands>();
        services.AddScoped<SubscriberCommands>();
        services.AddScoped<SubscriberMessages>();
        services.AddHostedService<StatusPageWorker>();
        // After AddRazorPages set the root and the sign-in rule for every folder.
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AllowAnonymousToPage("/StatusPage/Public");
            o.Conventions.AllowAnonymousToPage("/StatusPage/PublicIncident");
            o.Conventions.AddPageRoute("/StatusPage/PublicIncident", "status/{slug}/incidents/{id:guid}");
            o.Conventions.AllowAnonymousToPage("/StatusPage/Subscribe");
            o.Conventions.AddPageRoute("/StatusPage/Subscribe", "status/{slug}/subscribe");
            o.Conventions.AllowAnonymousToPage("/StatusPage/Subscription");
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
