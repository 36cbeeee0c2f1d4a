namespace Steady.Core.Incidents;

public enum IncidentRole
{
    Commander,
    Responder,
    CommunicationsLead,
    Scribe,
}

/// <summary>A person in a role on an incident, from when to when (null: still).</summary>
public sealed record RoleHolder(Guid UserId, IncidentRole Role, DateTimeOffset Since);

/// <summary>What a role change does: who stops holding what, who starts.</summary>
public sealed record RoleChange(IReadOnlyList<RoleHolder> Ended, RoleHolder? Started, string Description);

/// <summary>
/// Exactly one Incident Commander at every moment: the commander can only be handed over to a
/// person, never removed; the other roles come and go. A communications lead and a scribe are single
/// roles (a new one replaces the old); there may be many responders.
/// </summary>
public static class Roles
{
    public static string Name(IncidentRole role) => role switch
    {
        IncidentRole.Commander => "commander",
        IncidentRole.CommunicationsLead => "communications-lead",
        IncidentRole.Scribe => "scribe",
        _ => "responder",
    };

    public static IncidentRole? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "commander" or "ic" or "incident-commander" => IncidentRole.Commander,
        "responder" or "ops" => IncidentRole.Responder,
        "communications-lead" or "communications" or "comms" or "communicationslead" or "communications_lead" => IncidentRole.CommunicationsLead,
        "scribe" => IncidentRole.Scribe,
        _ => null,
    };

    public static string Title(IncidentRole role) => role switch
    {
        IncidentRole.Commander => "Incident Commander",
        IncidentRole.CommunicationsLead => "Communications lead",
        IncidentRole.Scribe => "Scribe",
        _ => "Responder",
    };

    /// <summary>Give <paramref name="role"/> to <paramref name="userId"/> (null: nobody), given who holds what now.</summary>
    public static Outcome<RoleChange> Assign(IReadOnlyList<RoleHolder> current, IncidentRole role, Guid? userId, string userName, DateTimeOffset now)
    {
        if (!Enum.IsDefined(role))
            return Failure.Invalid("role", "'role' must be commander, responder, communications-lead or scribe.");
        var holders = current.Where(h => h.Role == role).ToList();
        if (role == IncidentRole.Commander)
        {
            if (userId is null)
                return Failure.Invalid("user", "An incident always has exactly one commander: hand the role over to a person instead of to nobody.");
            if (holders.Count > 1)
                return Failure.Conflict("The incident has more than one commander; this should not happen.");
            if (holders.Count == 1 && holders[0].UserId == userId)
                return Failure.Conflict($"{userName} is already the incident commander.");
            return new RoleChange(holders, new RoleHolder(userId.Value, role, now), $"Incident commander handed over to {userName}");
        }
        if (userId is null)
            return Failure.Invalid("user", $"Name the person to take the {Name(role)} role (to remove someone, use 'remove').");
        if (holders.Any(h => h.UserId == userId))
            return Failure.Conflict($"{userName} is already {Name(role)}.");
        var ended = role == IncidentRole.Responder ? [] : holders;
        return new RoleChange(ended, new RoleHolder(userId.Value, role, now), $"{userName} is now {Title(role).ToLowerInvariant()}");
    }

    /// <summary>Take <paramref name="role"/> from <paramref name="userId"/>; never the commander, who is only handed over.</summary>
    public static Outcome<RoleChange> Remove(IReadOnlyList<RoleHolder> current, IncidentRole role, Guid userId, string userName)
    {
        if (role == IncidentRole.Commander)
            return Failure.Invalid("role", "The commander cannot be removed, only handed over to someone else: an incident always has exactly one.");
        var holder = current.FirstOrDefault(h => h.Role == role && h.UserId == userId);
        if (holder is null)
            return Failure.NotFound($"{userName} as {Name(role)}");
        return new RoleChange([holder], null, $"{userName} is no longer {Title(role).ToLowerInvariant()}");
    }
}
