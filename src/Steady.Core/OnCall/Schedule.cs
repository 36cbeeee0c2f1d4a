using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using Steady.Core.Audit;

namespace Steady.Core.OnCall;

/// <summary>A stored schedule: its zone, its layers (as JSON), owned by a team. Overrides are rows of their own.</summary>
public sealed class Schedule : IAudited
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public Guid TeamId { get; set; }

    public string? Description { get; set; }

    /// <summary>IANA zone id: handoffs and restrictions are local times in it.</summary>
    public required string TimeZone { get; set; }

    /// <summary>JSON array of <see cref="LayerDefinition"/>.</summary>
    public required string Layers { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }
}

public sealed class ScheduleOverrideRow : IAudited
{
    public Guid Id { get; set; }

    public Guid ScheduleId { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public Guid? CreatedById { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A restriction as written: "09:00"–"17:00" on some weekdays (all when none); or from "18:00" for a
/// length ("63h", "1d", "30m" — in local time) instead of an end, which may span days.
/// </summary>
public sealed record RestrictionDefinition(string Start, string End, IReadOnlyList<string>? Days = null, string? Length = null);

/// <summary>
/// A layer as written in the API and in YAML: participants in order, the first handoff in local time, the
/// shift length (a custom one in hours, or in seconds as PagerDuty's turns are), and optionally the instants
/// (with their offset, like 2026-11-02T09:00:00Z) from which the layer takes effect and at which it ends.
/// </summary>
public sealed record LayerDefinition(
    string Name,
    IReadOnlyList<Guid> Participants,
    string FirstHandoff,
    string Rotation = "weekly",
    int? ShiftHours = null,
    IReadOnlyList<RestrictionDefinition>? Restrictions = null,
    int? ShiftSeconds = null,
    string? Starts = null,
    string? Ends = null);

/// <summary>Turns stored layer definitions into the calculator's model, naming every field that is wrong.</summary>
public static class Layers
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static IReadOnlyList<LayerDefinition> Read(string json) => JsonSerializer.Deserialize<List<LayerDefinition>>(json, Json) ?? [];

    public static string Write(IEnumerable<LayerDefinition> layers) => JsonSerializer.Serialize(layers, Json);

    public static Rota ToRota(Schedule schedule, IEnumerable<ScheduleOverrideRow> overrides) => new(
        schedule.TimeZone,
        Read(schedule.Layers).Select(l => Parse(l, "layers", []) ?? throw new InvalidOperationException($"Schedule {schedule.Name} has an invalid layer.")).ToList(),
        overrides.Select(o => new ScheduleOverride(o.UserId, Instant.FromDateTimeOffset(o.StartsAt), Instant.FromDateTimeOffset(o.EndsAt))).ToList());

    /// <summary>The calculator's layer, or null with the problems added to <paramref name="errors"/>.</summary>
    public static Layer? Parse(LayerDefinition definition, string path, List<string> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(definition.Name))
            errors.Add($"{path}.name is required.");
        if (definition.Participants is null || definition.Participants.Count == 0)
            errors.Add($"{path}.participants needs at least one person.");
        var handoff = LocalDateTimePattern.GeneralIso.Parse(definition.FirstHandoff ?? "");
        var handoffAlt = handoff.Success ? handoff : LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(definition.FirstHandoff ?? "");
        if (!handoffAlt.Success)
            errors.Add($"{path}.firstHandoff must be a local date and time like 2026-01-05T09:00.");
        ShiftLength? length = definition.Rotation?.ToLowerInvariant() switch
        {
            "daily" => ShiftLength.Daily,
            "weekly" => ShiftLength.Weekly,
            "custom" when definition.ShiftHours is > 0 and <= 24 * 28 && definition.ShiftSeconds is null => new ShiftLength(definition.ShiftHours.Value, RotationUnit.Hours),
            "custom" when definition.ShiftSeconds is >= MinShiftSeconds and <= MaxShiftSeconds && definition.ShiftHours is null => new ShiftLength(definition.ShiftSeconds.Value, RotationUnit.Seconds),
            _ => null,
        };
        if (length is null)
            errors.Add($"{path}.rotation must be daily, weekly, or custom with shiftHours between 1 and 672 or shiftSeconds between {MinShiftSeconds} and {MaxShiftSeconds} (a year).");
        var starts = Moment(definition.Starts, $"{path}.starts", errors);
        var ends = Moment(definition.Ends, $"{path}.ends", errors);
        if (starts is not null && ends is not null && ends <= starts)
            errors.Add($"{path}.ends must be after {path}.starts.");
        var restrictions = new List<Restriction>();
        var i = 0;
        foreach (var r in definition.Restrictions ?? [])
        {
            var rp = $"{path}.restrictions[{i++}]";
            var start = Clock.Parse(r.Start ?? "");
            if (!start.Success)
                start = ClockSeconds.Parse(r.Start ?? "");
            var end = Clock.Parse(string.IsNullOrEmpty(r.End) && r.Length is not null ? "00:00" : r.End ?? "");
            Period? span = null;
            if (r.Length is not null)
            {
                var d = Durations.Parse(r.Length);
                if (d is null || d.Value <= Duration.Zero || d.Value > Restriction.MaxLength || !string.IsNullOrEmpty(r.End))
                {
                    errors.Add($"{rp}.length must be a duration up to 7d, like 63h, given instead of an end.");
                    continue;
                }
                span = Period.FromSeconds((long)d.Value.TotalSeconds).Normalize();
            }
            if (!start.Success || !end.Success)
            {
                errors.Add($"{rp} needs start and end like 09:00 and 17:00.");
                continue;
            }
            var days = new List<IsoDayOfWeek>();
            foreach (var day in r.Days ?? [])
            {
                if (Enum.TryParse<IsoDayOfWeek>(day, ignoreCase: true, out var d) && d != IsoDayOfWeek.None && !day.All(char.IsAsciiDigit))
                    days.Add(d);
                else
                    errors.Add($"{rp}.days has '{day}'; use monday … sunday.");
            }
            restrictions.Add(new Restriction(start.Value, end.Value, days, span));
        }
        if (errors.Count > before)
            return null;
        return new Layer(definition.Name.Trim(), definition.Participants!, handoffAlt.Value, length!, restrictions, starts, ends);
    }

    public const int MinShiftSeconds = 60;

    public const int MaxShiftSeconds = 366 * 86400;

    private static readonly LocalTimePattern Clock = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    private static readonly LocalTimePattern ClockSeconds = LocalTimePattern.CreateWithInvariantCulture("HH':'mm':'ss");

    /// <summary>An instant with its offset (2026-11-02T09:00:00+01:00 or …Z), null when not given.</summary>
    private static Instant? Moment(string? text, string path, List<string> errors)
    {
        if (text is null)
            return null;
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (parsed.Success)
            return parsed.Value.ToInstant();
        errors.Add($"{path} must be an instant with its offset, like 2026-11-02T09:00:00Z.");
        return null;
    }

    public static string DayName(IsoDayOfWeek day) => day.ToString().ToLower(CultureInfo.InvariantCulture);
}
