using NodaTime.Text;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;

namespace Steady.Server.Features.Config;

/// <summary>Schedules and their layers (participants by email or name, handoffs normalized).</summary>
public sealed partial class ConfigApply
{
    private void ApplySchedule(ConfigDocument d, ScheduleDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 2000);
        var existing = doc.Name is null ? null : _schedules.GetValueOrDefault(doc.Name.Trim());
        if (existing is null || doc.TimeZone is not null)
            v.TimeZone("time_zone", doc.TimeZone);
        var team = TeamFor(d, doc.Team, existing?.TeamId, "schedule");
        Check(d, v);
        string? layers = null;
        if (doc.Layers is { } given)
            layers = LayersJson(d, given, doc.TimeZone ?? existing?.TimeZone);
        else if (existing is null)
            layers = "[]";
        if (!_v.IsValid || team is null)
            return;
        var schedule = existing;
        if (schedule is null)
        {
            schedule = new Schedule { Id = Ids.New(time), Name = doc.Name!.Trim(), TeamId = team.Id, TimeZone = doc.TimeZone!, Layers = "[]", CreatedAt = _now };
            db.Schedules.Add(schedule);
            _schedules[schedule.Name] = schedule;
        }
        if (doc.TimeZone is not null)
            schedule.TimeZone = doc.TimeZone;
        if (doc.Description is not null)
            schedule.Description = Blank(doc.Description);
        if (layers is not null)
            schedule.Layers = layers;
        var added = doc.Overrides is { } overrides ? Overrides(d, schedule, overrides) : [];
        Track(d, schedule, added);
    }

    /// <summary>The overrides the file lists that the schedule does not have yet, added (the same person, start and end is the same override).</summary>
    private List<object> Overrides(ConfigDocument d, Schedule schedule, IReadOnlyList<OverrideDocument> overrides)
    {
        var added = new List<object>();
        var stored = db.Entry(schedule).State == Microsoft.EntityFrameworkCore.EntityState.Added
            ? []
            : db.ScheduleOverrides.Where(o => o.ScheduleId == schedule.Id).ToList();
        for (var i = 0; i < overrides.Count; i++)
        {
            var path = $"overrides[{i}]";
            var o = overrides[i];
            var user = FindUser(o.User);
            if (user is null)
                Error(d, $"{path}.user", $"{path}.user: there is no user '{o.User}'.");
            var start = OffsetDateTimePattern.ExtendedIso.Parse(o.Start ?? "");
            var end = OffsetDateTimePattern.ExtendedIso.Parse(o.End ?? "");
            if (!start.Success || !end.Success)
            {
                Error(d, path, $"{path} needs start and end as instants with their offset, like 2026-11-02T09:00:00Z.");
                continue;
            }
            var (s, e) = (start.Value.ToDateTimeOffset().ToUniversalTime(), end.Value.ToDateTimeOffset().ToUniversalTime());
            if (!SaneDates.Contains(s) || !SaneDates.Contains(e) || e <= s || e - s > OnCall.OverrideCommands.MaxLength)
                Error(d, path, $"{path} must end after it starts, within {SaneDates.Description}, and last at most 366 days.");
            if (user is null || !_v.IsValid || stored.Any(x => x.UserId == user.Id && x.StartsAt == s && x.EndsAt == e))
                continue;
            var row = new ScheduleOverrideRow { Id = Ids.New(time), ScheduleId = schedule.Id, UserId = user.Id, StartsAt = s, EndsAt = e, CreatedBy = "steady apply", CreatedAt = _now };
            db.ScheduleOverrides.Add(row);
            stored.Add(row);
            added.Add(row);
        }
        return added;
    }

    /// <summary>The layers as stored (participants by id, handoffs normalized), or null with the problems recorded.</summary>
    private string? LayersJson(ConfigDocument d, IReadOnlyList<LayerDocument> layers, string? zone)
    {
        if (layers.Count > 20)
            Error(d, "layers", "at most 20 layers.");
        var definitions = new List<LayerDefinition>();
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            var participants = new List<Guid>();
            foreach (var (name, j) in (l.Participants ?? []).Select((p, j) => (p, j)))
            {
                if (FindUser(name) is { } user)
                    participants.Add(user.Id);
                else
                    Error(d, $"layers[{i}].participants[{j}]", $"layers[{i}].participants[{j}]: there is no user '{name}' (give an email, or a name only one person has).");
            }
            var definition = new LayerDefinition(
                l.Name?.Trim() ?? "",
                participants,
                NormalizeHandoff(l.FirstHandoff),
                (l.Rotation ?? "weekly").Trim().ToLowerInvariant(),
                l.ShiftHours,
                l.Restrictions?.Select(r => new RestrictionDefinition(r.Start?.Trim() ?? "", r.End?.Trim() ?? "", r.Days?.Select(x => x.Trim().ToLowerInvariant()).ToList(), r.Length?.Trim())).ToList() is { Count: > 0 } rs ? rs : null,
                l.ShiftSeconds,
                NormalizeMoment(l.Starts),
                NormalizeMoment(l.Ends));
            var errors = new List<string>();
            if (l.Participants is { Count: > 0 } && participants.Count < l.Participants.Count)
                definition = definition with { Participants = [Guid.Empty] }; // already reported by name
            Layers.Parse(definition, $"layers[{i}]", errors);
            foreach (var error in errors)
                Error(d, $"layers[{i}]", Snake(error));
            definitions.Add(definition);
        }
        return _v.IsValid ? Layers.Write(definitions) : null;
    }

    /// <summary>2026-11-23T09:00 (seconds only when there are some), so the same handoff is always the same text.</summary>
    private static string NormalizeHandoff(string? text)
    {
        var parsed = LocalDateTimePattern.GeneralIso.Parse(text ?? "");
        if (!parsed.Success)
            parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(text ?? "");
        if (!parsed.Success)
            return text ?? "";
        var value = parsed.Value;
        return value.Second == 0 && value.NanosecondOfSecond == 0
            ? LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Format(value)
            : LocalDateTimePattern.GeneralIso.Format(value);
    }

    /// <summary>An instant as 2026-11-23T08:00:00Z, so the same moment is always the same text (as given when it cannot be read).</summary>
    private static string? NormalizeMoment(string? text)
    {
        if (text is null)
            return null;
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(text.Trim());
        return parsed.Success ? NodaTime.Text.InstantPattern.General.Format(parsed.Value.ToInstant()) : text;
    }

    /// <summary>The calculator's messages name API fields (firstHandoff); a file names them in snake_case.</summary>
    private static string Snake(string message) => message
        .Replace("firstHandoff", "first_handoff", StringComparison.Ordinal)
        .Replace("shiftHours", "shift_hours", StringComparison.Ordinal)
        .Replace("shiftSeconds", "shift_seconds", StringComparison.Ordinal);
}
