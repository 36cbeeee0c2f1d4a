using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steady.Server.Features.Config;

// Configuration as code: one document per object, snake_case fields, in YAML (multi-document,
// `kind:` first) or the same shapes in JSON. Every field is optional in the type: a field that is
// absent leaves what is stored alone; the reconciler (ConfigApply) says which ones an object needs.
// A field nobody knows is refused, naming it (see ConfigReader) — so adding a field is adding a
// property here and its line in ConfigApply and ConfigExport.

/// <summary>The kinds of document, as written after <c>kind:</c>, in the order they are applied.</summary>
public static class ConfigKinds
{
    public const string Team = "team";
    public const string User = "user";
    public const string Schedule = "schedule";
    public const string EscalationPolicy = "escalation_policy";
    public const string Service = "service";
    public const string StatusPage = "status_page";

    public static readonly IReadOnlyList<string> All = [Team, User, Schedule, EscalationPolicy, Service, StatusPage];

    /// <summary>"EscalationPolicy", "escalation-policy", "policy" and "escalation_policy" all name the same kind.</summary>
    public static string? Normalize(string? kind) => kind?.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "team" => Team,
        "user" => User,
        "schedule" => Schedule,
        "escalationpolicy" or "policy" => EscalationPolicy,
        "service" => Service,
        "statuspage" => StatusPage,
        _ => null,
    };
}

/// <summary>One document of a file: where it is (1-based), its kind, and its fields.</summary>
public sealed record ConfigDocument(int Index, string Kind, object Body)
{
    public string? Name => Body switch
    {
        TeamDocument t => t.Name,
        UserDocument u => u.Email,
        ScheduleDocument s => s.Name,
        PolicyDocument p => p.Name,
        ServiceDocument s => s.Name,
        StatusPageDocument p => p.Slug,
        _ => null,
    };

    /// <summary>"document 3 (schedule primary_engineer)": how errors name it.</summary>
    public string Label => $"document {Index} ({Kind}{(string.IsNullOrWhiteSpace(Name) ? "" : " " + Name.Trim())})";
}

public sealed record TeamDocument(string? Name = null, string? Description = null, IReadOnlyList<MemberDocument>? Members = null);

/// <summary>A member by email (or unique name) and role: viewer, responder or admin.</summary>
public sealed record MemberDocument(string? User = null, string? Role = null);

public sealed record UserDocument(
    string? Name = null,
    string? Email = null,
    string? TimeZone = null,
    bool? Admin = null,
    IReadOnlyList<ContactMethodDocument>? ContactMethods = null);

/// <summary>A contact method, known by kind and address within its person; its rules say when it is used.</summary>
public sealed record ContactMethodDocument(
    string? Kind = null,
    string? Address = null,
    string? Label = null,
    Dictionary<string, string>? Settings = null,
    IReadOnlyList<RuleDocument>? Rules = null);

/// <summary>Notify this contact method <c>after</c> (0m, 2m, 5m) at an urgency (high, low, any).</summary>
public sealed record RuleDocument(string? After = null, string? Urgency = null);

public sealed record ScheduleDocument(
    string? Name = null,
    string? Team = null,
    string? TimeZone = null,
    string? Description = null,
    IReadOnlyList<LayerDocument>? Layers = null,
    IReadOnlyList<OverrideDocument>? Overrides = null);

/// <summary>Someone covers the schedule from <c>start</c> to <c>end</c> (instants with offsets). Overrides a file lists are added when missing; others are left alone.</summary>
public sealed record OverrideDocument(string? User = null, string? Start = null, string? End = null);

/// <summary>A rotation: participants by email (or unique name), the first handoff in the schedule's local time.</summary>
public sealed record LayerDocument(
    string? Name = null,
    IReadOnlyList<string>? Participants = null,
    string? FirstHandoff = null,
    string? Rotation = null,
    int? ShiftHours = null,
    IReadOnlyList<RestrictionDocument>? Restrictions = null,
    int? ShiftSeconds = null,
    string? Starts = null,
    string? Ends = null);

/// <summary>From <c>start</c> to <c>end</c>, or for <c>length</c> (which may span days) on the given days.</summary>
public sealed record RestrictionDocument(string? Start = null, string? End = null, IReadOnlyList<string>? Days = null, string? Length = null);

/// <summary>The seed's escalation-policy.yaml, verbatim, plus an optional team, description and repeat.</summary>
public sealed record PolicyDocument(
    string? Name = null,
    string? Team = null,
    string? Description = null,
    int? Repeat = null,
    IReadOnlyList<ChainStepDocument>? EscalationChain = null);

/// <summary><c>notify</c>: a schedule, a user (email or name) or team:NAME, or a list of them; <c>wait</c>: 5m.</summary>
public sealed record ChainStepDocument(
    [property: JsonConverter(typeof(OneOrManyConverter))] IReadOnlyList<string>? Notify = null,
    string? Wait = null);

/// <summary>
/// A service; <c>stabilization_checklist</c> is what its incidents' page leads with while they are in triage or mitigating;
/// <c>integration_keys</c> are names of keys the service must have (created when missing; the key itself is the server's secret).
/// </summary>
public sealed record ServiceDocument(
    string? Name = null,
    string? Team = null,
    string? Description = null,
    string? RunbookUrl = null,
    string? EscalationPolicy = null,
    string? GroupWindow = null,
    int? FlapThreshold = null,
    string? FlapWindow = null,
    IReadOnlyList<string>? StabilizationChecklist = null,
    IReadOnlyList<string>? IntegrationKeys = null)
{
    /// <summary>
    /// <c>group_by</c>: absent leaves it alone; null (<c>~</c>) is not set, so alerts follow the sender's own
    /// grouping; <c>[]</c> every alert of the service in one group; labels group by their values.
    /// </summary>
    public IReadOnlyList<string>? GroupBy
    {
        get;
        init
        {
            field = value;
            GroupBySet = true;
        }
    }

    /// <summary>Whether the document names <c>group_by</c> at all (null included).</summary>
    [JsonIgnore]
    public bool GroupBySet { get; private init; }
}

/// <summary>
/// A status page by its slug: its settings, its groups in order (each with its components in order) and the
/// components in no group. Components are known by name on the page; states are not configuration (people
/// set them), and groups or components the file leaves out are left alone (delete them in the API or console).
/// </summary>
public sealed record StatusPageDocument(
    string? Slug = null,
    string? Name = null,
    string? Description = null,
    string? LogoUrl = null,
    string? HomeUrl = null,
    string? TimeZone = null,
    bool? Default = null,
    bool? Private = null,
    string? HostName = null,
    IReadOnlyList<StatusGroupDocument>? Groups = null,
    IReadOnlyList<StatusComponentDocument>? Components = null);

public sealed record StatusGroupDocument(string? Name = null, IReadOnlyList<StatusComponentDocument>? Components = null);

/// <summary>A component; <c>service</c> links it to a Steady service (its open incidents suggest the component's state).</summary>
public sealed record StatusComponentDocument(string? Name = null, string? Description = null, string? Service = null);

/// <summary>A name or a list of names: <c>notify: primary_engineer</c> and <c>notify: [a, b]</c>.</summary>
public sealed class OneOrManyConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var names = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                        throw new JsonException("must be a name or a list of names.");
                    names.Add(reader.GetString()!);
                }
                return names;
            default:
                throw new JsonException("must be a name or a list of names.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        if (value.Count == 1)
        {
            writer.WriteStringValue(value[0]);
            return;
        }
        writer.WriteStartArray();
        foreach (var name in value)
            writer.WriteStringValue(name);
        writer.WriteEndArray();
    }
}
