namespace Steady.Core.OnCall;

/// <summary>The ways a person can be reached: a contact method's kind, one notification channel each.</summary>
public enum ContactKind
{
    Email,
    Webhook,
    Slack,
    Teams,
    Mattermost,
    Discord,
    Ntfy,
    Sms,
    Voice,
}

/// <summary>A contact kind as written in the API, in YAML, on pages and in the database: lowercase ("email", "sms").</summary>
public static class ContactKinds
{
    /// <summary>Every kind as written, in the order the console offers them.</summary>
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<ContactKind>().Select(ToWire)];

    public static string ToWire(this ContactKind kind) => kind switch
    {
        ContactKind.Email => "email",
        ContactKind.Webhook => "webhook",
        ContactKind.Slack => "slack",
        ContactKind.Teams => "teams",
        ContactKind.Mattermost => "mattermost",
        ContactKind.Discord => "discord",
        ContactKind.Ntfy => "ntfy",
        ContactKind.Sms => "sms",
        ContactKind.Voice => "voice",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of contact method"),
    };

    /// <summary>A kind as written, trimmed and in any case ("email", " SMS "); false for anything else.</summary>
    public static bool TryParse(string? text, out ContactKind kind)
    {
        var wire = text?.Trim().ToLowerInvariant();
        foreach (var candidate in Enum.GetValues<ContactKind>())
        {
            if (candidate.ToWire() == wire)
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>A stored kind; throws <see cref="FormatException"/> for one Steady does not know.</summary>
    public static ContactKind Parse(string text) =>
        TryParse(text, out var kind) ? kind : throw new FormatException($"'{text}' is not a kind of contact method.");
}
