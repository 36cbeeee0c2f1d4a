using Steady.Server.Infrastructure;

namespace Steady.Server.Notify;

public static class NotifyServices
{
    /// <summary>Every channel, the registry, the "notify" HTTP client, the Steady:Smtp / Steady:Notify options and the outbound policy (Steady:Outbound).</summary>
    public static IServiceCollection AddSteadyNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOutboundPolicy(configuration);
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.Configure<NotifyOptions>(configuration.GetSection(NotifyOptions.Section));
        // Redirects are not followed (a webhook that moved must be updated, not guessed), and the
        // factory's request logging is removed: it would write webhook URLs, whose paths hold secrets.
        services.AddHttpClient(HttpDelivery.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = sp.GetRequiredService<OutboundPolicy>().ConnectAsync, // a name that resolves to loopback is refused
            })
            .RemoveAllLoggers();
        services.AddSingleton<HttpDelivery>();
        services.AddSingleton<INotificationChannel, EmailChannel>();
        services.AddSingleton<INotificationChannel, WebhookChannel>();
        services.AddSingleton<INotificationChannel, SlackChannel>();
        services.AddSingleton<INotificationChannel, TeamsChannel>();
        services.AddSingleton<INotificationChannel, MattermostChannel>();
        services.AddSingleton<INotificationChannel, DiscordChannel>();
        services.AddSingleton<INotificationChannel, NtfyChannel>();
        services.AddSingleton<INotificationChannel, SmsChannel>();
        services.AddSingleton<INotificationChannel, VoiceChannel>();
        services.AddSingleton<ChannelRegistry>();
        return services;
    }
}
