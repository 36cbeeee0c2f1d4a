using Microsoft.EntityFrameworkCore;
using Steady.Core.Postmortems;
using Steady.Server.Data;
using Steady.Server.Features.Shared;

namespace Steady.Server.Features.Postmortems;

/// <summary>The add-an-action-item form, on the postmortem editor and the incident page (<paramref name="ReturnTo"/> "incident": back there after).</summary>
public sealed record AddItemForm(int Number, string? Title, IReadOnlyList<(Guid Id, string Name, string Email)> People, DateTimeOffset Now, PersonalTime Time, string? ReturnTo)
{
    /// <summary>Two weeks from now, as the datetime-local field shows it in the person's zone.</summary>
    public string DefaultDue => NodaTime.Instant.FromDateTimeOffset(Now.AddDays(14)).InZone(Time.Zone)
        .ToString("uuuu'-'MM'-'dd'T'HH':'mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What the incident page shows of the follow-up: the postmortem's state, the incident's open action items, and the earlier incidents it repeats.</summary>
public sealed record IncidentFollowUp(
    int Number,
    Postmortem? Postmortem,
    string? Owner,
    int Unfilled,
    IReadOnlyList<ActionItemDto> OpenItems,
    IReadOnlyList<RepeatDto> Repeats,
    IReadOnlyList<(Guid Id, string Name, string Email)> People)
{
    public static async Task<IncidentFollowUp> LoadAsync(SteadyDb db, ActionItemCommands items, Guid incidentId, CancellationToken cancellationToken)
    {
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == incidentId, cancellationToken);
        var postmortem = await db.Set<Postmortem>().AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == incidentId, cancellationToken);
        var owner = postmortem?.OwnerId is { } ownerId ? await db.Users.AsNoTracking().Where(u => u.Id == ownerId).Select(u => u.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var number = incident.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var open = (await items.ListAsync(new(number, null, null, null), cancellationToken)).Value?.Where(i => i.Status is "open" or "in-progress").ToList() ?? [];
        var repeats = await RepeatIncidents.ForAsync(db, incident, cancellationToken);
        var people = (await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).OrderBy(u => u.Name).Select(u => new { u.Id, u.Name, u.Email }).ToListAsync(cancellationToken))
            .Select(u => (u.Id, u.Name, u.Email)).ToList();
        return new(incident.Number, postmortem, owner, postmortem is null ? 0 : PostmortemSections.Unfilled(postmortem).Count, open, repeats, people);
    }
}

/// <summary>The incident page's follow-up panel: which incident, and whether the reader responds for it (forms) or only reads.</summary>
public sealed record FollowUpPanel(Guid IncidentId, bool CanRespond);
