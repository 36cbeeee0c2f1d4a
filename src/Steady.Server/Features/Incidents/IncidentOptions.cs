using Microsoft.Extensions.Options;
using Steady.Core.Incidents;

namespace Steady.Server.Features.Incidents;

/// <summary>The "Steady:Incidents" section.</summary>
public sealed class IncidentOptions
{
    public const string Section = "Steady:Incidents";

    /// <summary>How long linked alerts and checks must stay healthy before "resolved" is accepted.</summary>
    public TimeSpan HealthyFor { get; set; } = Resolution.DefaultHealthyFor;

    /// <summary>How far before an incident started the page looks for changes on its services.</summary>
    public TimeSpan ChangeWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long an update may stay overdue after the reminder before the escalation runs.</summary>
    public TimeSpan EscalateAfter { get; set; } = Cadence.DefaultEscalateAfter;

    /// <summary>Whether a severity that requires a postmortem (SEV1/SEV2 by default) can be closed only once its postmortem has an owner and a due date (on by default).</summary>
    public bool EnforcePostmortem { get; set; } = true;

    /// <summary>The severities, most severe first; empty: the seed's SEV1/SEV2/SEV3.</summary>
    public List<SeverityOption> Severities { get; set; } = [];

    /// <summary>Where every incident's updates go (a chat webhook, an email list): kind, address, settings, as contact methods.</summary>
    public List<ChannelOption> Channels { get; set; } = [];
}

public sealed class SeverityOption
{
    public string Name { get; set; } = "";

    public string Meaning { get; set; } = "";

    public string Example { get; set; } = "";

    public string ExpectedResponse { get; set; } = "";

    /// <summary>Null or zero: no cadence.</summary>
    public TimeSpan? UpdateCadence { get; set; }

    public bool PagesAtOnce { get; set; }

    public bool Freezes { get; set; }

    public bool RequiresPostmortem { get; set; }

    public bool StatusPage { get; set; }

    /// <summary>How many days its postmortem's owner has; null or zero: the default table's for this name (SEV1 3, SEV2 5 business days), else 10 business days.</summary>
    public int? PostmortemDueDays { get; set; }

    /// <summary>Whether <see cref="PostmortemDueDays"/> counts business days (Monday to Friday).</summary>
    public bool PostmortemBusinessDays { get; set; }
}

public sealed class ChannelOption
{
    public string Kind { get; set; } = "";

    public string Address { get; set; } = "";

    public Dictionary<string, string> Settings { get; set; } = [];
}

/// <summary>The severity table in force: configured, or the default.</summary>
public sealed class IncidentSeverities(IOptions<IncidentOptions> options)
{
    private readonly Lazy<SeverityTable> _table = new(() => options.Value.Severities.Count == 0
        ? SeverityTable.Default
        : new SeverityTable(options.Value.Severities.Select(s => new SeverityLevel(
            s.Name.Trim(), s.Meaning, s.Example, s.ExpectedResponse,
            s.UpdateCadence is { } c && c > TimeSpan.Zero ? c : null,
            s.PagesAtOnce, s.Freezes, s.RequiresPostmortem, s.StatusPage,
            SeverityTable.Default.AlertSeverityOf(s.Name),
            s.PostmortemDueDays is int days && days > 0 ? new Steady.Core.Postmortems.PostmortemDeadline(days, s.PostmortemBusinessDays) : SeverityTable.Default.Find(s.Name)?.PostmortemDue)).ToList()));

    public SeverityTable Table => _table.Value;

    /// <summary>The level of a stored incident; a severity since removed from the configuration counts as the least severe.</summary>
    public SeverityLevel Of(string name) => Table.Find(name) ?? Table.Levels[^1];
}
