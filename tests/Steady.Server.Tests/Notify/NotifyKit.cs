using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Tests.Notify;

/// <summary>
/// The notification channels as the server wires them (AddSteadyNotifications), on a controlled clock,
/// with every log line kept so tests can check what was written.
/// </summary>
internal sealed class NotifyKit : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    private NotifyKit(IDictionary<string, string?> configuration)
    {
        var settings = new Dictionary<string, string?> { ["Steady:Notify:HttpTimeout"] = "00:00:05" };
        foreach (var (key, value) in configuration)
            settings[key] = value;
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSteadyNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Clock { get; } = new(Now);

    public LogCapture Logs { get; } = new();

    public ChannelRegistry Registry => _services.GetRequiredService<ChannelRegistry>();

    public IServiceProvider Services => _services;

    public static NotifyKit Create(IDictionary<string, string?>? configuration = null) => new(configuration ?? new Dictionary<string, string?>());

    public Task<DeliveryResult> SendAsync(ContactKind kind, string address, Notification? notification = null, Dictionary<string, string>? settings = null) =>
        Registry.SendAsync(new ContactTarget(kind, address, settings ?? []), notification ?? Samples.Page(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}

/// <summary>Notifications as the paging engine would hand them over.</summary>
internal static class Samples
{
    public static readonly Uri Ack = new("https://steady.test/ack/0193a1b2?sig=AbC_d-1&exp=1795500000");
    public static readonly Uri Resolve = new("https://steady.test/resolve/0193a1b2?sig=XyZ_e-2&exp=1795500000");
    public static readonly Uri Details = new("https://steady.test/alerts/0193a1b2");
    public const string Key = "dlv-0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    public static Notification Page(Severity severity = Severity.Critical, string summary = "Checkout requests fail: 7.2% 5xx over 5 minutes", int alertCount = 3) => new(
        NotificationKind.Page,
        "Error rate above 5%",
        summary,
        severity,
        "payments-api",
        alertCount,
        [
            new AlertLink("https://grafana.test/d/payments?orgId=1&var-env=prod", "Dashboard"),
            new AlertLink("https://wiki.test/runbooks/payments", "Runbook"),
            new AlertLink("javascript:alert(1)", "Not a link"),
        ],
        Ack,
        Resolve,
        Details,
        Key,
        NotifyKit.Now);
}

/// <summary>Every log line written, formatted, with its exception.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}
