namespace Steady.Server.Features.Paging;

/// <summary>The "Steady:Paging" section: how the engine retries, bundles and throttles, and how long links live.</summary>
public sealed class PagingOptions
{
    public const string Section = "Steady:Paging";

    /// <summary>The first retry of a temporary failure waits this long; each next one twice as long.</summary>
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>No retry waits longer than this (nor longer than a Retry-After asks, up to it).</summary>
    public TimeSpan RetryCap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After this many attempts a delivery that keeps failing for now fails for good.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>After a message to a contact method for a service, further pages for that service wait out this window and go as one message.</summary>
    public TimeSpan BundleWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many messages per minute to one contact method; more wait and go as one (0: no limit).</summary>
    public int ThrottlePerMinute { get; set; } = 6;

    /// <summary>How long acknowledge / resolve links in a notification stay valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a node's claim on due work holds before another node may take it over. Only for a node that is stuck
    /// while still connected: the claims of a node that is gone are released at once (<see cref="NodePresence"/>).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many messages one node sends at once.</summary>
    public int SendConcurrency { get; set; } = 16;
}
