using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.Incidents;

/// <summary>A channel of the incident's own: <c>{"kind": "slack", "address": "https://hooks.slack.com/…"}</c>; an email list is <c>{"kind": "email", "address": "a@example.com, b@example.com"}</c>.</summary>
public sealed record ChannelInput(string? Kind = null, string? Address = null, Dictionary<string, string>? Settings = null);

/// <summary>A channel as people see it: a webhook's URL is a secret, so only its host shows.</summary>
public sealed record ChannelDto(Guid Id, string Kind, string Target, DateTimeOffset AddedAt, string AddedBy)
{
    public static ChannelDto From(IncidentChannel c) => new(c.Id, c.Kind, IncidentChannels.Describe(c), c.AddedAt, c.AddedBy);
}

/// <summary>
/// The incident's own channels (chat webhooks, email addresses), set on declare and edited later:
/// its updates go to them as well as to the server-wide incident channels. Each change is on the timeline.
/// </summary>
public sealed class IncidentChannels(SteadyDb db, IncidentCommands commands, OutboundPolicy outbound, TimeProvider time)
{
    public const int MaxChannels = 20;

    /// <summary>Chat webhooks and email: the kinds a channel of people (not a person's phone) can be.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["email", "slack", "teams", "mattermost", "discord", "webhook", "ntfy"];

    public static string Describe(IncidentChannel c) =>
        c.Kind == "email" ? c.Address : Uri.TryCreate(c.Address, UriKind.Absolute, out var url) ? $"{url.Scheme}://{url.Authority}/…" : "(webhook)";

    /// <summary>
    /// Checks channels as given (an email list becomes one channel per address), and that <paramref name="actor"/> may point the
    /// server at them (<see cref="OutboundPolicy"/>); the first problem names the field, with <paramref name="field"/> as its prefix.
    /// </summary>
    public static Outcome<List<ChannelInput>> Check(IReadOnlyList<ChannelInput?>? inputs, string field, OutboundPolicy outbound, Actor actor)
    {
        var result = new List<ChannelInput>();
        var validation = new Validation();
        for (var i = 0; i < (inputs?.Count ?? 0); i++)
        {
            var input = inputs![i];
            var path = inputs.Count == 1 && field == "channel" ? field : $"{field}[{i}]";
            var kind = input?.Kind?.Trim().ToLowerInvariant();
            if (input is null || string.IsNullOrWhiteSpace(kind) || !Kinds.Contains(kind))
            {
                validation.Add($"{path}.kind", $"'{path}.kind' must be one of {string.Join(", ", Kinds)} (a chat webhook or an email list); got '{input?.Kind}'.");
                continue;
            }
            var addresses = kind == "email"
                ? (input.Address ?? "").Split([',', ';', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
                : [input.Address?.Trim() ?? ""];
            if (addresses.Count == 0)
                addresses.Add("");
            foreach (var address in addresses)
            {
                var v = new Validation();
                ContactMethodCommands.Validate(v, kind, address, null, input.Settings);
                if (v.IsValid && outbound.RefusalForContact(kind, address, input.Settings, actor.IsAdmin) is { } refused)
                    v.Add(refused.Field, refused.Problem);
                if (v.ToFailure() is { } invalid)
                {
                    foreach (var (_, messages) in invalid.Errors!)
                        validation.Add($"{path}.address", $"{path}: {string.Join(" ", messages)}");
                    continue;
                }
                result.Add(new ChannelInput(kind, address, input.Settings));
            }
        }
        if (result.Count > MaxChannels)
            validation.Add(field, $"At most {MaxChannels} channels per incident.");
        return validation.ToFailure() is { } failure ? failure : result;
    }

    /// <summary>Adds checked channels to the unit of work, skipping any the incident already has.</summary>
    private async Task<List<IncidentChannel>> AddCheckedAsync(Incident incident, IEnumerable<ChannelInput> channels, Actor actor, CancellationToken cancellationToken)
    {
        var existing = await db.IncidentChannels.AsNoTracking().Where(c => c.IncidentId == incident.Id).ToListAsync(cancellationToken); // whole rows: addresses are opened as rows are read
        var added = new List<IncidentChannel>();
        foreach (var input in channels)
        {
            if (existing.Any(e => e.Kind == input.Kind && string.Equals(e.Address, input.Address, StringComparison.OrdinalIgnoreCase))
                || added.Any(e => e.Kind == input.Kind && string.Equals(e.Address, input.Address, StringComparison.OrdinalIgnoreCase)))
                continue;
            var channel = New(incident, input, actor, time);
            db.IncidentChannels.Add(channel);
            added.Add(channel);
        }
        return added;
    }

    /// <summary>A checked channel as a row of the incident.</summary>
    internal static IncidentChannel New(Incident incident, ChannelInput input, Actor actor, TimeProvider time) => new()
    {
        Id = Ids.New(time),
        IncidentId = incident.Id,
        Kind = input.Kind!,
        Address = input.Address!,
        Settings = input.Settings is { Count: > 0 } settings ? JsonSerializer.Serialize(settings) : null,
        AddedAt = time.GetUtcNow(),
        AddedBy = actor.Name,
    };

    public async Task<List<ChannelDto>> ListAsync(Guid incidentId, CancellationToken cancellationToken) =>
        (await db.IncidentChannels.AsNoTracking().Where(c => c.IncidentId == incidentId).OrderBy(c => c.AddedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken))
        .Select(ChannelDto.From).ToList();

    public async Task<Outcome<List<ChannelDto>>> AddAsync(Actor actor, string number, ChannelInput? input, CancellationToken cancellationToken)
    {
        var checkedChannels = Check([input], "channel", outbound, actor);
        if (!checkedChannels.Succeeded)
            return checkedChannels.Failure!;
        List<IncidentChannel> added = [];
        var outcome = await commands.ActAsync(actor, number, async (incident, _) =>
        {
            if (incident.Status == IncidentStatus.Closed)
                return Failure.Conflict("The incident is closed: it sends no more updates.");
            var count = await db.IncidentChannels.CountAsync(c => c.IncidentId == incident.Id, cancellationToken);
            if (count + checkedChannels.Value!.Count > MaxChannels)
                return Failure.Conflict($"The incident already has {count} channels; at most {MaxChannels}.");
            added = await AddCheckedAsync(incident, checkedChannels.Value, actor, cancellationToken);
            if (added.Count == 0)
                return Failure.Conflict("The incident already sends its updates there.");
            commands.Entry(incident, "channel", $"{actor.Name} added the channel{(added.Count == 1 ? "" : "s")} {string.Join(", ", added.Select(c => $"{c.Kind} {Describe(c)}"))}: updates go there from now on", actor);
            return null;
        }, cancellationToken);
        return outcome.Succeeded ? added.Select(ChannelDto.From).ToList() : outcome.Failure!;
    }

    public async Task<Outcome<IncidentChannel>> RemoveAsync(Actor actor, string number, Guid channelId, CancellationToken cancellationToken)
    {
        IncidentChannel? removed = null;
        var outcome = await commands.ActAsync(actor, number, async (incident, _) =>
        {
            removed = await db.IncidentChannels.FirstOrDefaultAsync(c => c.Id == channelId && c.IncidentId == incident.Id, cancellationToken);
            if (removed is null)
                return Failure.NotFound("The channel");
            db.IncidentChannels.Remove(removed);
            commands.Entry(incident, "channel", $"{actor.Name} removed the channel {removed.Kind} {Describe(removed)}", actor);
            return null;
        }, cancellationToken);
        return outcome.Succeeded ? removed! : outcome.Failure!;
    }
}
