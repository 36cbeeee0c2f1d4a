namespace Steady.Core.Accounts;

/// <summary>A member's role in a team. Ordered: each role can do everything the one before it can.</summary>
public enum TeamRole
{
    Viewer = 1,
    Responder = 2,
    Admin = 3,
}

public static class TeamRoles
{
    public static bool TryParse(string? value, out TeamRole role)
    {
        role = default;
        return value is not null
            && Enum.TryParse(value, ignoreCase: true, out role)
            && Enum.IsDefined(role)
            && !value.Trim().All(char.IsAsciiDigit);
    }

    public static string ToWire(this TeamRole role) => role.ToString().ToLowerInvariant();
}
