using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Prometheus;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Import;
using Steady.Server.Features.Paging;
using Steady.Server.Features.Accounts;
using Steady.Server.Features.Alerts;
using Steady.Server.Features.Backups;
using Steady.Server.Features.Intake;
using Steady.Server.Features.OnCall;
using Steady.Server.Features.Audit;
using Steady.Server.Features.Checks;
using Steady.Server.Features.Config;
using Steady.Server.Features.Health;
using Steady.Server.Features.Incidents;
using Steady.Server.Features.Services;
using Steady.Server.Features.Shell;
using Steady.Server.Features.Teams;
using Steady.Server.Features.Tokens;
using Steady.Server.Features.Users;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;
using Steady.Server.Features.EmergencyLines;
using Steady.Server.Features.Postmortems;
using Steady.Server.Features.SecretKeys;
using Steady.Server.Features.Changes;
using Steady.Server.Features.Setup;
using Steady.Server.Features.StatusPage;
using Steady.Server.Features.Reports;

namespace Steady.Server;

/// <summary>The server's wiring: services, the request pipeline, and every route.</summary>
public static class SteadyApp
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string ApiPolicy = "api";

    private static readonly string[] PathLoggingCategories =
    [
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Mvc",
        "Microsoft.AspNetCore.HttpLogging", "Microsoft.AspNetCore.Server.Kestrel",
    ];

    /// <summary>
    /// prometheus-net's default registry also mirrors every EventCounter it can find (System.Runtime, Kestrel, hosting,
    /// sockets, EF Core, MsQuic...): to read them it enables those event sources at Informational level, so they raise
    /// events on every request and connection, and it polls them on a timer with a thread that allocates at each tick —
    /// on an idle server, code compiled and memory held for series nobody reads (the Meters carry the same figures,
    /// as system_runtime_dotnet_* and microsoft_aspnetcore_*). Left out once per process, before the first scrape.
    /// </summary>
    static SteadyApp() => Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });

    public static WebApplication Build(string[] args)
    {
        var demo = args.Contains("--demo");
        // appsettings.json sits beside the binary; relative paths such as ./data/steady.db stay relative to where it was started.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != "--demo").ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (demo)
            builder.Configuration["Steady:Demo"] = "true";
        builder.Services.Configure<LoggerFilterOptions>(KeepPathsOutOfLogs);
        // "No XML encryptor configured ... may be persisted in unencrypted form": the key ring's rows are sealed by Steady itself (Data/SecretColumns).
        builder.Services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error, null)));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = ErrorHandling.MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddSteady(builder.Configuration);
        var app = builder.Build();
        app.UseSteady();
        return app;
    }

    /// <summary>
    /// Paths carry secrets (integration keys, ack and calendar tokens): the framework's categories that write request
    /// paths or route values write no more than warnings, and the hosting category nothing, for its request scope holds
    /// the path (a formatter with IncludeScopes would print it on every line) — whatever the configuration says, also
    /// per provider (a provider's own rules outrank general ones). Steady's own lines name routes, not paths.
    /// </summary>
    private static void KeepPathsOutOfLogs(LoggerFilterOptions options)
    {
        foreach (var provider in new string?[] { null, "Console", "Debug", "EventSource", "EventLog" })
        {
            options.Rules.Add(new LoggerFilterRule(provider, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None, null));
            foreach (var category in PathLoggingCategories)
                options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, null));
        }
    }

    public static IServiceCollection AddSteady(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SteadyOptions>(configuration.GetSection(SteadyOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSteadyDatabase();
        services.AddSteadyNotifications(configuration);
        services.Configure<SecretsOptions>(configuration.GetSection(SecretsOptions.Section));
        services.AddHostedService<DatabaseStartup>();
        services.AddHostedService<SqliteCheckpointer>(); // after DatabaseStartup: its connection sees the database in WAL mode
        services.AddHostedService<SecretsStartup>(); // after DatabaseStartup, before anything reads a secret: hosted services start in order
        services.AddHostedService<FirstStart>();
        services.AddSingleton<StateMetrics>();
        services.AddSingleton<WorkerStates>();
        services.Configure<WatchdogOptions>(configuration.GetSection(WatchdogOptions.Section));
        services.AddSingleton<WakeSignal<Watchdog>>();
        services.AddHttpClient(Watchdog.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers(); // a switch's URL is its secret: never log it
        services.AddHostedService<Watchdog>();
        services.AddHostedService<NativeMemoryTrimmer>();

        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorHandling>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.AddOpenApi();

        services.AddDataProtection().SetApplicationName("steady");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(sp, sp.GetRequiredService<TimeProvider>())));

        services.AddTrustedProxies(configuration);
        services.AddHttpContextAccessor();
        services.AddScoped<ActorAccessor>();
        services.AddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton(new OperatorConsole(Console.Out));
        services.AddSingleton<PublicUrls>();
        services.AddScoped<Bootstrap>();
        services.AddScoped<Demo>();
        services.AddScoped<TeamCommands>();
        services.AddScoped<UserCommands>();
        services.AddScoped<ServiceCommands>();
        services.AddScoped<CheckCommands>();
        services.AddScoped<TokenCommands>();
        services.Configure<SignInThrottleOptions>(configuration.GetSection(SignInThrottleOptions.Section));
        services.AddScoped<SignIns>();
        services.Configure<ConsoleSessionOptions>(configuration.GetSection(ConsoleSessionOptions.Section));
        services.AddScoped<ConsoleSessions>();

        services.Configure<IntakeOptions>(configuration.GetSection($"{SteadyOptions.Section}:Intake"));
        services.AddSingleton<IntakeQueue>();
        services.AddSingleton<IntakeKeys>();
        services.AddSingleton<WakeSignal<HeartbeatMonitor>>();
        services.AddScoped<AlertStore>();
        services.AddScoped<AlertActions>();
        services.AddScoped<Suppressions>();
        services.AddScoped<SuppressionCommands>();
        services.AddSingleton<WakeSignal<SuppressionWorker>>();
        services.AddHostedService<IntakeWriter>();
        services.AddHostedService<HeartbeatMonitor>();
        services.AddHostedService<SuppressionWorker>();
        services.AddSingleton<WakeSignal<CheckRunner>>();
        services.AddHttpClient(CheckRunner.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = sp.GetRequiredService<OutboundPolicy>().ConnectAsync, // a name that resolves to loopback is refused
            })
            .RemoveAllLoggers(); // check URLs may carry tokens: never log them
        services.AddHostedService<CheckRunner>();
        services.AddSingleton<WakeSignal<HandoffNotifier>>();
        services.AddScoped<ContactMethodCommands>();
        services.AddScoped<OverrideCommands>();
        services.AddScoped<ScheduleCommands>();
        services.AddScoped<PolicyCommands>();
        services.AddHostedService<HandoffNotifier>();
        services.Configure<BackupOptions>(configuration.GetSection(BackupOptions.Section));
        services.AddSingleton<BackupFiles>();
        services.AddSingleton<WakeSignal<BackupWorker>>();
        services.Configure<CalendarFeedOptions>(configuration.GetSection(CalendarFeedOptions.Section));
        services.AddSingleton<CalendarFeedLimits>();

        services.Configure<IncidentOptions>(configuration.GetSection(IncidentOptions.Section));
        services.AddSingleton<IncidentSeverities>();
        services.AddSingleton<WakeSignal<IncidentWorker>>();
        services.AddScoped<IncidentQueries>();
        services.AddScoped<IncidentOutbox>();
        services.AddScoped<IIncidentPager, EngineIncidentPager>();
        services.AddScoped<IncidentCommands>();
        services.AddScoped<IncidentRecords>();
        services.AddScoped<IncidentChannels>();
        services.Configure<EmergencyLineOptions>(configuration.GetSection(EmergencyLineOptions.Section));
        services.AddScoped<EmergencyLineCommands>();
        services.AddSingleton<EmergencyLineRequests>();
        services.AddHostedService<IncidentWorker>();
        services.AddSteadyPostmortems(configuration);
        services.AddSteadyPaging(configuration);
        services.AddStatusPages(configuration);
        services.AddSteadyReports();
        services.AddHostedService<BackupWorker>(); // after the paging services: it claims its row with OutboxClaims

        services.AddAuthentication(o => o.DefaultScheme = "steady")
            .AddPolicyScheme("steady", "Bearer token or console session", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? BearerTokenHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = "steady_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure over HTTPS, directly or through a trusted proxy
                o.SessionStore = new DatabaseTicketStore(); // the cookie carries a session's key; its row decides (Features/Accounts/ConsoleSessions)
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/";
                o.SlidingExpiration = false; // idle and absolute expiry are the session row's (Steady:Sessions)
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());

        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Accounts/Login");
            o.Conventions.AllowAnonymousToPage("/Shell/Error");
            o.Conventions.AllowAnonymousToPage("/EmergencyLines/EmergencyIntake");
            o.Conventions.AllowAnonymousToPage("/Paging/Link");
            o.Conventions.AddPageRoute("/Paging/Link", "resolve/{token}");
            o.Conventions.ConfigureFilter(new UnknownHandlers());
            o.Conventions.ConfigureFilter(new UnreadableFields());
        });
        return services;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.MaxDepth = 32;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        StrictJson.Apply(options);
    }

    public static WebApplication UseSteady(this WebApplication app)
    {
        app.UseForwardedHeaders(); // only from Steady:ForwardedHeaders' proxies (Infrastructure/TrustedProxies)
        app.UseStatusPageHosts(); // status.example.com serves its page at /: rewritten before routing, so after the proxies' Host
        app.UseRouting();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseOversizedBodies();
        app.UseStatusCodePages(StatusPages.WriteAsync);
        app.UseHttpMetrics();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestText();
        app.UseMiddleware<AuditActorMiddleware>();

        app.MapAssets();
        app.MapHealth();
        app.MapOpenApi().AllowAnonymous();

        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiPolicy).AddEndpointFilterFactory(SaneDateQuery.Filter);
        api.MapUsersApi();
        api.MapSessionsApi();
        api.MapTeamsApi();
        api.MapServicesApi();
        api.MapTokensApi();
        api.MapAuditApi();
        api.MapBackupApi();
        api.MapDoctorApi();
        api.MapAlertsApi();
        api.MapSilencesApi();
        api.MapMaintenanceApi();
        api.MapChecksApi();
        api.MapSchedulesApi();
        api.MapPoliciesApi();
        api.MapContactMethodsApi();
        api.MapIncidentsApi();
        api.MapPostmortemsApi();
        api.MapChangesApi();
        api.MapEmergencyLinesApi();
        api.MapConfigApi();
        api.MapImportApi();
        api.MapSecretsApi();
        api.MapCalendarFeedsApi();
        app.MapCalendarFeeds();
        api.MapPagingApi();
        api.MapReportsApi();
        app.MapIntake();
        app.MapHeartbeatIntake();
        app.MapEmergencyIntake();
        app.MapStatusPages(api);

        app.MapRazorPages();
        return app;
    }
}
