using Steady.Server.Infrastructure;

namespace Steady.Server.Engine;

public static class PagingServices
{
    /// <summary>The paging engine: its options (Steady:Paging), link signing, the escalation and delivery workers and their wake signals.</summary>
    public static IServiceCollection AddSteadyPaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PagingOptions>(configuration.GetSection(PagingOptions.Section));
        services.AddSingleton<AckLinks>();
        services.AddSingleton<MessageBuilder>();
        services.AddScoped<StepPlanner>();
        services.AddScoped<Features.Notifications.LinkActions>();
        services.AddSingleton<WakeSignal<EscalationWorker>>();
        services.AddSingleton<WakeSignal<DeliveryWorker>>();
        services.AddHostedService<EscalationWorker>();
        services.AddHostedService<DeliveryWorker>();
        return services;
    }
}
