using System.Text.RegularExpressions;
using Steady.Core.OnCall;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>
/// One layer as the editor's form sends it: people in order (one select per place, blanks ignored), the rotation,
/// the first handoff as a local date and time, and restrictions (a row with neither start nor end is ignored).
/// </summary>
public sealed class LayerForm
{
    public string? Name { get; set; }

    public List<string?> Participants { get; set; } = [];

    public string Rotation { get; set; } = "weekly";

    public int? ShiftHours { get; set; }

    /// <summary>A turn of seconds (an imported PagerDuty layer); the form carries it along unchanged.</summary>
    public int? ShiftSeconds { get; set; }

    /// <summary>When the layer takes effect and ends (instants; imported layers have them), carried along unchanged.</summary>
    public string? Starts { get; set; }

    public string? Ends { get; set; }

    public string? FirstHandoff { get; set; }

    public bool Remove { get; set; }

    public List<RestrictionForm> Restrictions { get; set; } = [];

    /// <summary>A layer the person added but left empty: not sent to the command.</summary>
    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && Participants.All(string.IsNullOrWhiteSpace);

    public static LayerForm From(LayerDefinition layer) => new()
    {
        Name = layer.Name,
        Participants = layer.Participants.Select(p => (string?)p.ToString()).ToList(),
        Rotation = layer.Rotation,
        ShiftHours = layer.ShiftHours,
        ShiftSeconds = layer.ShiftSeconds,
        Starts = layer.Starts,
        Ends = layer.Ends,
        FirstHandoff = layer.FirstHandoff,
        Restrictions = (layer.Restrictions ?? []).Select(r => new RestrictionForm { Start = r.Start, End = r.End, Length = r.Length, Days = (r.Days ?? []).ToList() }).ToList(),
    };
}

public sealed class RestrictionForm
{
    public string? Start { get; set; }

    public string? End { get; set; }

    /// <summary>A window that runs this long instead of to an end (may span days), carried along unchanged.</summary>
    public string? Length { get; set; }

    public List<string> Days { get; set; } = [];

    public bool IsBlank => string.IsNullOrWhiteSpace(Start) && string.IsNullOrWhiteSpace(End) && string.IsNullOrWhiteSpace(Length);
}

/// <summary>From the form to the command's input, and the command's messages back to the fields they name.</summary>
public static partial class ScheduleForm
{
    public static readonly string[] WeekDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    /// <summary>
    /// The layers the command checks, and the index each came from in the form (blank and removed ones are left
    /// out, so the command's "layers[1]" may be the form's third layer). A participant that is no id is refused here.
    /// </summary>
    public static (List<LayerDefinition> Layers, List<int> FormIndex, Dictionary<string, string> Errors) ToLayers(IReadOnlyList<LayerForm> forms)
    {
        var layers = new List<LayerDefinition>();
        var index = new List<int>();
        var errors = new Dictionary<string, string>();
        for (var i = 0; i < forms.Count; i++)
        {
            var form = forms[i];
            if (form.Remove || form.IsBlank)
                continue;
            var people = new List<Guid>();
            foreach (var p in form.Participants.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                if (Guid.TryParse(p, out var id))
                    people.Add(id);
                else
                    errors[$"Layers[{i}].Participants"] = "Choose people from the list.";
            }
            layers.Add(new LayerDefinition(
                form.Name?.Trim() ?? "",
                people,
                form.FirstHandoff?.Trim() ?? "",
                form.Rotation.Trim().ToLowerInvariant(),
                form.Rotation == "custom" && (form.ShiftHours is not null || form.ShiftSeconds is null) ? form.ShiftHours : null,
                form.Restrictions.Where(r => !r.IsBlank).Select(r => new RestrictionDefinition(r.Start?.Trim() ?? "", r.End?.Trim() ?? "", r.Days.Count == 0 ? null : r.Days, string.IsNullOrWhiteSpace(r.Length) ? null : r.Length.Trim())).ToList() is { Count: > 0 } rs ? rs : null,
                form.Rotation == "custom" && form.ShiftHours is null ? form.ShiftSeconds : null,
                string.IsNullOrWhiteSpace(form.Starts) ? null : form.Starts.Trim(),
                string.IsNullOrWhiteSpace(form.Ends) ? null : form.Ends.Trim()));
            index.Add(i);
        }
        return (layers, index, errors);
    }

    /// <summary>
    /// "layers[1].restrictions[0].days has 'x'…" becomes the field key "Layers[2].Restrictions[0].Days" (the form's
    /// own layer index) and the message without its path; messages about no one field stay under "Layers".
    /// </summary>
    public static (string Key, string Message) Field(string message, IReadOnlyList<int> formIndex)
    {
        var match = LayerPath().Match(message);
        if (!match.Success)
            return ("Layers", message);
        var layer = int.Parse(match.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var formLayer = layer < formIndex.Count ? formIndex[layer] : layer;
        var rest = match.Groups["rest"].Value;
        var key = $"Layers[{formLayer}]" + string.Concat(rest.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(part => "." + char.ToUpperInvariant(part[0]) + part[1..]));
        var text = message[match.Length..].Trim();
        return (key, text.Length == 0 ? message : char.ToUpperInvariant(text[0]) + text[1..]);
    }

    [GeneratedRegex(@"^layers\[(?<layer>\d+)\](?<rest>(\.[A-Za-z]+(\[\d+\])?)*)")]
    private static partial Regex LayerPath();
}
