namespace Steady.Server.Notify;

/// <summary>The "Steady:Notify" section: how HTTP channels (webhook, chat, push, SMS/voice providers) send.</summary>
public sealed class NotifyOptions
{
    public const string Section = "Steady:Notify";

    /// <summary>How long one HTTP delivery may take, connection included; past it the attempt is retried later.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP (a relay on localhost or a trusted network).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, port 465).</summary>
    Tls,
}

/// <summary>The "Steady:Smtp" section: the mail server email notifications go through.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Steady:Smtp";

    /// <summary>The server's host name; email is not sent until this is set.</summary>
    public string? Host { get; set; }

    /// <summary>Defaults by <see cref="Security"/>: 25 for none, 587 for starttls, 465 for tls.</summary>
    public int? Port { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>When set, the client authenticates (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. "Steady &lt;steady@example.com&gt;". Its domain also names the Message-IDs.</summary>
    public string From { get; set; } = "Steady <steady@localhost>";

    /// <summary>How long one send may take, from connecting to QUIT; past it the attempt is retried later.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int EffectivePort => Port ?? Security switch
    {
        SmtpSecurity.Tls => 465,
        SmtpSecurity.StartTls => 587,
        _ => 25,
    };
}
