using NodaTime.Text;
using Steady.Core;
using Steady.Core.OnCall;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.Config;

/// <summary>
/// Schedules: the file's people (by email or name, new ones of the same file too) and handoffs read, then the one
/// check and change every surface uses, <see cref="ScheduleCommands.Apply"/>.
/// </summary>
public sealed partial class ConfigApply
{
    private void ApplySchedule(ConfigDocument d, ScheduleDocument doc)
    {
        var existing = doc.Name is null ? null : _schedules.GetValueOrDefault(doc.Name.Trim());
        var team = TeamFor(d, doc.Team, existing?.TeamId, "schedule");
        var layers = doc.Layers is { } given ? Definitions(d, given) : existing is null ? [] : null;
        var schedule = existing ?? new Schedule { Id = Ids.New(time), Name = "", TeamId = team?.Id ?? Guid.Empty, TimeZone = "", Layers = "[]", CreatedAt = _now };
        // A schedule keeps its stored name (the file found it by name, in any case); people the file could not name are reported already.
        var input = new ScheduleInput(existing is null ? doc.Name : null, null, doc.TimeZone, doc.Description, layers);
        var people = _users.Values.Select(u => u.Id).ToHashSet();
        if (ScheduleCommands.Apply(schedule, input, creating: existing is null, id => id == Guid.Empty || people.Contains(id)) is { } invalid)
        {
            Check(d, invalid);
            return;
        }
        if (!_v.IsValid || team is null)
            return;
        if (existing is null)
        {
            db.Schedules.Add(schedule);
            _schedules[schedule.Name] = schedule;
        }
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

    /// <summary>The layers as the commands take them: participants by id (one the file cannot name is reported here, and stands as an empty id), handoffs normalized.</summary>
    private List<LayerDefinition> Definitions(ConfigDocument d, IReadOnlyList<LayerDocument> layers)
    {
        var definitions = new List<LayerDefinition>();
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            var participants = new List<Guid>();
            foreach (var (name, j) in (l.Participants ?? []).Select((p, j) => (p, j)))
            {
                if (FindUser(name) is { } user)
                {
                    participants.Add(user.Id);
                }
                else
                {
                    participants.Add(Guid.Empty);
                    Error(d, $"layers[{i}].participants[{j}]", $"layers[{i}].participants[{j}]: there is no user '{name}' (give an email, or a name only one person has).");
                }
            }
            definitions.Add(new LayerDefinition(
                l.Name?.Trim() ?? "",
                participants,
                NormalizeHandoff(l.FirstHandoff),
                (l.Rotation ?? "weekly").Trim().ToLowerInvariant(),
                l.ShiftHours,
                l.Restrictions?.Select(r => new RestrictionDefinition(r.Start?.Trim() ?? "", r.End?.Trim() ?? "", r.Days?.Select(x => x.Trim().ToLowerInvariant()).ToList(), r.Length?.Trim())).ToList() is { Count: > 0 } rs ? rs : null,
                l.ShiftSeconds,
                NormalizeMoment(l.Starts),
                NormalizeMoment(l.Ends)));
        }
        return definitions;
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
}
