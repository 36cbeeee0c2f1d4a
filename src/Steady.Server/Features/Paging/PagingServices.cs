using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Paging;

public static class PagingServices
{
    /// <summary>The paging engine: its options (Steady:Paging), link signing, this node's presence, the escalation and delivery workers and their wake signals.</summary>
    public static IServiceCollection AddSteadyPaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PagingOptions>(configuration.GetSection(PagingOptions.Section));
        services.AddSingleton<AckLinks>();
        services.AddSingleton<MessageBuilder>();
        services.AddScoped<StepPlanner>();
        services.AddScoped<Features.Paging.LinkActions>();
        services.AddScoped<DeliveryRetries>();
        services.AddSingleton<WakeSignal<EscalationWorker>>();
        services.AddSingleton<WakeSignal<DeliveryWorker>>();
        services.AddSingleton<EngineNode>();
        services.AddSingleton<ServerExit>();
        services.AddSingleton<DeliverySends>();
        services.AddSingleton<OutboxClaims>();
        services.AddHostedService<NodePresence>(); // before the workers: it starts by releasing the claims of nodes that are gone
        services.AddHostedService<EscalationWorker>();
        services.AddHostedService<DeliveryWorker>();
        return services;
    }
}
