using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.OnCall;

public sealed record ContactMethodInput(string Kind, string Address, string? Label = null, IReadOnlyDictionary<string, string>? Settings = null);

/// <summary>A change to a contact method: its address and label, and settings laid over the ones it has (its kind stays).</summary>
public sealed record ContactMethodEdit(string? Address, string? Label, IReadOnlyDictionary<string, string> Settings);

public sealed record RuleInput(Guid ContactMethodId, int DelayMinutes = 0, string Urgency = "any");

/// <summary>
/// How a person is reached (contact methods) and in what order (notification rules): the one place these
/// are checked and written, shared by the API, the console's profile page and (its checks) <c>steady apply</c>.
/// People manage their own; organization admins anyone's.
/// </summary>
public sealed partial class ContactMethodCommands(SteadyDb db, TimeProvider time, ChannelRegistry channels, OutboundPolicy outbound)
{
    /// <summary>The longest a rule may wait after the page.</summary>
    public const int MaxDelayMinutes = 1440;

    public async Task<Outcome<ContactMethod>> AddAsync(Actor actor, Guid owner, ContactMethodInput input, CancellationToken cancellationToken)
    {
        if (Refused(actor, owner) is { } refused)
            return refused;
        var v = new Validation();
        Validate(v, input.Kind, input.Address, input.Label, input.Settings);
        if (v.IsValid && outbound.RefusalForContact(input.Kind, input.Address, input.Settings, actor.IsAdmin) is { } destination)
            v.Add(destination.Field, destination.Problem);
        if (v.ToFailure() is { } invalid)
            return invalid;
        var kind = ContactKinds.Parse(input.Kind);
        var method = new ContactMethod
        {
            Id = Ids.New(time),
            UserId = owner,
            Kind = kind,
            Label = LabelOr(input.Label, kind.ToWire()),
            Address = input.Address.Trim(),
            Settings = Serialize(input.Settings),
            CreatedAt = time.GetUtcNow(),
        };
        db.ContactMethods.Add(method);
        await db.SaveChangesAsync(cancellationToken);
        return method;
    }

    /// <summary>Changes a contact method's address, label and settings; it must be tested again to count as verified.</summary>
    public async Task<Outcome<ContactMethod>> EditAsync(Actor actor, Guid owner, Guid methodId, ContactMethodEdit edit, CancellationToken cancellationToken)
    {
        if (Refused(actor, owner) is { } refused)
            return refused;
        var method = await db.ContactMethods.FirstOrDefaultAsync(m => m.Id == methodId && m.UserId == owner, cancellationToken);
        if (method is null)
            return Failure.NotFound("The contact method");
        var settings = new Dictionary<string, string>(ReadSettings(method.Settings), StringComparer.Ordinal);
        foreach (var (name, value) in edit.Settings)
            settings[name] = value;
        var v = new Validation();
        Validate(v, method.Kind.ToWire(), edit.Address, edit.Label, settings);
        if (v.IsValid && outbound.RefusalForContact(method.Kind.ToWire(), edit.Address, settings, actor.IsAdmin) is { } destination)
            v.Add(destination.Field, destination.Problem);
        if (v.ToFailure() is { } invalid)
            return invalid;
        method.Address = edit.Address!.Trim();
        method.Label = LabelOr(edit.Label, method.Kind.ToWire());
        method.Settings = Serialize(settings);
        method.VerifiedAt = null;
        await db.SaveChangesAsync(cancellationToken);
        return method;
    }

    /// <summary>Removes a contact method with the rules that use it.</summary>
    public async Task<Outcome<ContactMethod>> RemoveAsync(Actor actor, Guid owner, Guid methodId, CancellationToken cancellationToken)
    {
        if (Refused(actor, owner) is { } refused)
            return refused;
        var method = await db.ContactMethods.FirstOrDefaultAsync(m => m.Id == methodId && m.UserId == owner, cancellationToken);
        if (method is null)
            return Failure.NotFound("The contact method");
        db.NotificationRules.RemoveRange(await db.NotificationRules.Where(r => r.ContactMethodId == methodId).ToListAsync(cancellationToken));
        db.ContactMethods.Remove(method);
        await db.SaveChangesAsync(cancellationToken);
        return method;
    }

    /// <summary>Sends a test through the method now; a success marks it verified. <paramref name="details"/>: the link the test carries.</summary>
    public async Task<Outcome<(ContactMethod Method, DeliveryResult Result)>> TestAsync(Actor actor, Guid owner, Guid methodId, Uri details, CancellationToken cancellationToken)
    {
        if (Refused(actor, owner) is { } refused)
            return refused;
        var method = await db.ContactMethods.FirstOrDefaultAsync(m => m.Id == methodId && m.UserId == owner, cancellationToken);
        if (method is null)
            return Failure.NotFound("The contact method");
        var result = await channels.SendTestAsync(ContactTarget.FromStored(method.Kind, method.Address, method.Settings), details, cancellationToken);
        if (result.Outcome == DeliveryOutcome.Sent)
            method.VerifiedAt = time.GetUtcNow();
        // A message sent out at someone's asking is on record, whether it arrived or not.
        db.AuditEvent("test_sent", "contact_method", method.Id, new Dictionary<string, string?> { ["userId"] = owner.ToString(), ["outcome"] = result.Outcome == DeliveryOutcome.Sent ? "sent" : "failed" });
        await db.SaveChangesAsync(cancellationToken);
        return (method, result);
    }

    public async Task<Outcome<(NotificationRule Rule, ContactMethod Method)>> AddRuleAsync(Actor actor, Guid owner, RuleInput input, CancellationToken cancellationToken)
    {
        if (Refused(actor, owner) is { } refused)
            return refused;
        var method = await db.ContactMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == input.ContactMethodId && m.UserId == owner, cancellationToken);
        var v = new Validation();
        if (method is null)
            v.Add("contactMethodId", "'contactMethodId' must be one of this person's contact methods.");
        if (!DelayAllowed(input.DelayMinutes))
            v.Add("delayMinutes", $"'delayMinutes' must be between 0 and {MaxDelayMinutes}.");
        var urgency = Urgencies.ParseRule(input.Urgency);
        if (urgency is null)
            v.Add("urgency", UrgencyProblem("'urgency'", input.Urgency));
        if (v.ToFailure() is { } invalid)
            return invalid;
        var rule = new NotificationRule { Id = Ids.New(time), UserId = owner, ContactMethodId = method!.Id, DelayMinutes = input.DelayMinutes, Urgency = urgency!.Value, CreatedAt = time.GetUtcNow() };
        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return (rule, method);
    }

    public async Task<Outcome<NotificationRule>> RemoveRuleAsync(Actor actor, Guid owner, Guid ruleId, CancellationToken cancellationToken)
    {
        if (Refused(actor, owner) is { } refused)
            return refused;
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == ruleId && r.UserId == owner, cancellationToken);
        if (rule is null)
            return Failure.NotFound("The notification rule");
        db.NotificationRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    /// <summary>Contact details are the person's and organization administrators' only.</summary>
    public static Failure? Refused(Actor actor, Guid owner) => Permissions.CanEditUser(actor, owner)
        ? null
        : Failure.Forbidden("Contact details are private: only the person and organization administrators can see or change them.");

    /// <summary>What a contact method needs: a known kind and an address of its shape (an email, an international phone number with a provider template, or a URL).</summary>
    internal static void Validate(Validation v, string? kindText, string? address, string? label, IReadOnlyDictionary<string, string>? settings)
    {
        if (!ContactKinds.TryParse(kindText, out var kind))
            v.Add("kind", $"'kind' must be one of {string.Join(", ", ContactKinds.All)}; got '{kindText}'.");
        else if (kind == ContactKind.Email)
            v.Email("address", address);
        else if (kind is ContactKind.Sms or ContactKind.Voice)
        {
            if (string.IsNullOrWhiteSpace(address) || !PhoneNumber().IsMatch(address.Trim()))
                v.Add("address", "'address' must be a phone number in international form, like +4915112345678.");
            if (settings?.ContainsKey("url") != true)
                v.Add("settings", "SMS and voice need the provider's request template in 'settings' (at least 'url'; see docs/notifications.md).");
            else if (ProviderTemplate.Check(new ContactTarget(kind, address?.Trim() ?? "", settings)) is { } problem)
                v.Add("settings", $"The provider's request template cannot work: {problem}.");
        }
        else if (string.IsNullOrWhiteSpace(address))
            v.Add("address", "'address' is required: the URL to send to.");
        else
            v.Url("address", address);
        v.Text("label", label, 100);
        if (settings is { Count: > 20 })
            v.Add("settings", "'settings' may have at most 20 entries.");
    }

    internal static string UrgencyProblem(string field, string? given) => $"{field} must be high, low or any; got '{given}'.";

    internal static bool DelayAllowed(int minutes) => minutes is >= 0 and <= MaxDelayMinutes;

    internal static string NormalizeKind(string? kind) => kind?.Trim().ToLowerInvariant() ?? "";

    /// <summary>The label as given, or the kind when none is.</summary>
    internal static string LabelOr(string? label, string kind) => string.IsNullOrWhiteSpace(label) ? kind : label.Trim();

    internal static IReadOnlyDictionary<string, string> ReadSettings(string? stored) =>
        stored is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(stored) ?? [];

    /// <summary>The names of a method's settings, never their values (they hold secrets).</summary>
    public static IReadOnlyList<string> SettingNames(ContactMethod m) => ReadSettings(m.Settings).Keys.Order(StringComparer.Ordinal).ToList();

    private static string? Serialize(IReadOnlyDictionary<string, string>? settings) =>
        settings is { Count: > 0 } ? JsonSerializer.Serialize(settings) : null;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhoneNumber();
}
