namespace Steady.Core.Incidents;

public enum UpdateVisibility
{
    Internal,
    Public,
}

/// <summary>A factual update: what is known, what is not, what is being done, when the next one comes.</summary>
public sealed record StatusUpdateDraft(string? Known, string? Unknown, string? Doing, DateTimeOffset? NextUpdateAt, string? Visibility);

/// <summary>The checked update, ready to store.</summary>
public sealed record StatusUpdateContent(string Known, string? Unknown, string Doing, DateTimeOffset? NextUpdateAt, UpdateVisibility Visibility);

public static class StatusUpdates
{
    public const int MaxText = 4000;

    /// <summary>
    /// Checks an update. Known and doing are required (silence and guesswork both erode trust); the
    /// next update defaults to the severity's cadence from now, and may not be later than it.
    /// </summary>
    public static Outcome<StatusUpdateContent> Check(StatusUpdateDraft draft, SeverityLevel level, DateTimeOffset now)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(draft.Known))
            validation.Add("known", "'known' is required: say what is known, even if it is only the symptom.");
        if (string.IsNullOrWhiteSpace(draft.Doing))
            validation.Add("doing", "'doing' is required: say what is being done about it.");
        validation.Text("known", draft.Known, MaxText).Text("unknown", draft.Unknown, MaxText).Text("doing", draft.Doing, MaxText);
        UpdateVisibility visibility = UpdateVisibility.Internal;
        if (!string.IsNullOrWhiteSpace(draft.Visibility))
        {
            switch (draft.Visibility.Trim().ToLowerInvariant())
            {
                case "internal":
                    break;
                case "public":
                    visibility = UpdateVisibility.Public;
                    break;
                default:
                    validation.Add("visibility", "'visibility' must be internal or public.");
                    break;
            }
        }
        var next = draft.NextUpdateAt?.ToUniversalTime() ?? (level.UpdateCadence is { } cadence ? now + cadence : null);
        if (next is { } at && at <= now)
            validation.Add("nextUpdateAt", "'nextUpdateAt' must be in the future.");
        else if (next is { } later && level.UpdateCadence is { } max && later > now + max)
            validation.Add("nextUpdateAt", $"{level.Name} asks for an update at least every {Durations.Describe(max)}; the next one cannot be later than that.");
        if (validation.ToFailure() is { } invalid)
            return invalid;
        return new StatusUpdateContent(draft.Known!.Trim(), string.IsNullOrWhiteSpace(draft.Unknown) ? null : draft.Unknown.Trim(), draft.Doing!.Trim(), next, visibility);
    }
}

public static class Durations
{
    public static string Describe(TimeSpan span) =>
        span.TotalMinutes < 1 ? $"{span.TotalSeconds:0} s"
        : span.TotalHours < 1 ? $"{span.TotalMinutes:0} min"
        : span.TotalDays < 1 ? (span.Minutes == 0 ? $"{span.TotalHours:0} h" : $"{(int)span.TotalHours} h {span.Minutes} min")
        : $"{span.TotalDays:0.#} days";
}
