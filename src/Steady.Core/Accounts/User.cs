using Steady.Core.Audit;

namespace Steady.Core.Accounts;

public sealed class User : IAudited
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-cased; unique. The login name for the console.</summary>
    public required string Email { get; set; }

    /// <summary>IANA zone id, e.g. Europe/Berlin: where this person's nights are.</summary>
    public required string TimeZone { get; set; }

    /// <summary>An organization administrator: manages users and teams and is admin of every team.</summary>
    public bool IsAdmin { get; set; }

    public string? PasswordHash { get; set; }

    /// <summary>The password is a one-time one (the first admin's, printed at first start): the console asks for a new one before anything else.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
