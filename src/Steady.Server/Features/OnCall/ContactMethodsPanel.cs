using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Notify;

namespace Steady.Server.Features.OnCall;

/// <summary>
/// The contact methods and notification rules on a person's profile page (drawn by <c>_ContactMethods.cshtml</c>):
/// what the panel shows and its form fields, bound without a prefix (Kind, Address, RuleDelay…) as the page's
/// own fields were. The page's handlers pass the fields to <see cref="ContactMethodCommands"/>.
/// </summary>
[ValidateNever] // the commands check what is given; binding errors (a delay that is no number) still reach the page's ModelState
public sealed class ContactMethodsPanel
{
    public Guid PersonId { get; private set; }

    public string PersonName { get; private set; } = "";

    /// <summary>The page is the signed-in person's own.</summary>
    public bool Self { get; private set; }

    public IReadOnlyList<ContactMethod> Methods { get; private set; } = [];

    public IReadOnlyList<(NotificationRule Rule, ContactMethod Method)> Rules { get; private set; } = [];

    /// <summary>The contact method being edited (?edit=ID), if any.</summary>
    public ContactMethod? Editing { get; private set; }

    public string? Kind { get; set; } = "email";

    public string? Address { get; set; }

    public string? Label { get; set; }

    /// <summary>SMS and voice: the provider's request template (docs/notifications.md). Editing, an empty field keeps what is set.</summary>
    public string? ProviderUrl { get; set; }

    public string? ProviderMethod { get; set; }

    public string? ProviderHeaders { get; set; }

    public string? ProviderBody { get; set; }

    public string? ProviderContentType { get; set; }

    public Guid RuleMethod { get; set; }

    public int RuleDelay { get; set; }

    public string? RuleUrgency { get; set; } = "any";

    /// <summary>The person's methods and their rules, in the order they fire.</summary>
    public async Task LoadAsync(SteadyDb db, Guid personId, string personName, bool self, CancellationToken cancellationToken)
    {
        (PersonId, PersonName, Self) = (personId, personName, self);
        Methods = await db.ContactMethods.AsNoTracking().Where(m => m.UserId == personId).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var rules = await db.NotificationRules.AsNoTracking().Where(r => r.UserId == personId).ToListAsync(cancellationToken);
        Rules = rules.Join(Methods, r => r.ContactMethodId, m => m.Id, (r, m) => (r, m)).OrderBy(x => x.r.DelayMinutes).ThenBy(x => x.m.Label).ToList();
    }

    /// <summary>Shows the form for one of the methods, filled with what it has (settings are never shown); false when it is none of them.</summary>
    public bool Edit(Guid methodId, bool fill)
    {
        if (Methods.FirstOrDefault(m => m.Id == methodId) is not { } method)
            return false;
        Editing = method;
        Kind = method.Kind.ToWire();
        if (fill)
        {
            Address = method.Address;
            Label = method.Label;
        }
        return true;
    }

    public ContactMethodInput NewMethod() => new(Kind ?? "", Address!, Label, TemplateSettings(ContactMethodCommands.NormalizeKind(Kind)));

    public ContactMethodEdit Change() => new(Address, Label, TemplateSettings(Editing?.Kind.ToWire() ?? ""));

    public RuleInput NewRule() => new(RuleMethod, RuleDelay, RuleUrgency!);

    /// <summary>SMS and voice go through a provider's HTTP API: the form must name its URL (the API's check names 'settings').</summary>
    public bool NeedsProviderUrl => ContactMethodCommands.NormalizeKind(Kind) is "sms" or "voice" && string.IsNullOrWhiteSpace(ProviderUrl);

    /// <summary>The settings the form gives: for SMS and voice, the template fields filled in (an empty field keeps what is set).</summary>
    private Dictionary<string, string> TemplateSettings(string kind)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (kind is not ("sms" or "voice"))
            return settings;
        foreach (var (name, value) in new[]
        {
            (ProviderTemplate.UrlSetting, ProviderUrl), (ProviderTemplate.MethodSetting, ProviderMethod), (ProviderTemplate.HeadersSetting, ProviderHeaders),
            (ProviderTemplate.BodySetting, ProviderBody), (ProviderTemplate.ContentTypeSetting, ProviderContentType),
        })
        {
            if (!string.IsNullOrWhiteSpace(value))
                settings[name] = value.Trim();
        }
        return settings;
    }
}
