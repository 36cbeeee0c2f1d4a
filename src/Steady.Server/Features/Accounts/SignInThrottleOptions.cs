namespace Steady.Server.Features.Accounts;

/// <summary>
/// The "Steady:SignIn" section: how many sign-in attempts an account and a client address may spend
/// before they are locked out for a while (Grafana's defaults: 5 failures in 5 minutes). 0 turns a
/// limit off.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "Steady:SignIn";

    /// <summary>Failed attempts on one account (known or not) within <see cref="Window"/> that lock it.</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed attempts from one client address, on any accounts, within <see cref="Window"/> that lock the address out.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>How far back failures count.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a locked account or address is refused, even with the right password.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(5);
}
