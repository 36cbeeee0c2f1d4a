namespace Steady.Server.Features.StatusPage;

/// <summary>The "Steady:StatusPage" section: how hard the public endpoints may be pulled, and how subscribers are told. 0 turns a limit off.</summary>
public sealed class StatusPageOptions
{
    public const string Section = "Steady:StatusPage";

    /// <summary>Reads of the public pages, JSON and feeds per minute from one client address (an outage's crowd reloads; a scraper in a loop is slowed).</summary>
    public int RequestsPerMinutePerClient { get; set; } = 600;

    /// <summary>How many reads one client may make at once before the rate applies.</summary>
    public int BurstPerClient { get; set; } = 300;

    /// <summary>Subscription requests (subscribe, confirm, manage) per minute from one client address.</summary>
    public int SubscribePerMinutePerClient { get; set; } = 10;

    public int SubscribeBurstPerClient { get; set; } = 20;

    /// <summary>Subscription requests per minute for one email address, whoever sends them: nobody floods a stranger's inbox with confirmations.</summary>
    public int SubscribePerMinutePerAddress { get; set; } = 1;

    public int SubscribeBurstPerAddress { get; set; } = 3;

    /// <summary>How long a confirmation link works.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Messages to subscribers (emails and webhooks) per second: one SMTP server stays happy with thousands of subscribers.</summary>
    public int SendsPerSecond { get; set; } = 100;

    /// <summary>How many emails go over one SMTP connection before it is closed and another opened.</summary>
    public int EmailsPerConnection { get; set; } = 100;
}
