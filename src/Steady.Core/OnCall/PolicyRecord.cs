using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using Steady.Core.Audit;

namespace Steady.Core.OnCall;

/// <summary>A stored escalation policy: its steps as JSON, with targets by id so renames never break it.</summary>
public sealed class EscalationPolicyRecord : IAudited
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public Guid TeamId { get; set; }

    public string? Description { get; set; }

    public int Repeat { get; set; }

    /// <summary>JSON array of <see cref="StoredStep"/>.</summary>
    public required string Steps { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public IReadOnlyList<StoredStep> ReadSteps() => ParseSteps(Steps);

    /// <summary>Steps as stored (a policy's <see cref="Steps"/>, or what it held before a change).</summary>
    public static IReadOnlyList<StoredStep> ParseSteps(string steps) => JsonSerializer.Deserialize<List<StoredStep>>(steps, Json) ?? [];

    public static string WriteSteps(IEnumerable<StoredStep> steps) => JsonSerializer.Serialize(steps, Json);

    public EscalationPolicy ToPolicy() => new(Name, ReadSteps().Select(s => new EscalationStep(s.Targets, Duration.FromSeconds(s.WaitSeconds))).ToList(), Repeat);
}

public sealed record StoredStep(IReadOnlyList<EscalationTarget> Targets, int WaitSeconds);
