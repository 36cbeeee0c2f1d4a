using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Features.Users;

/// <summary>
/// A person's profile: the schedules they are in, and — for themselves and organization admins —
/// their contact methods with a "send test" button, their notification rules and their calendar feed.
/// </summary>
public sealed class UserDetailModel(SteadyDb db, ContactMethodCommands commands, TimeProvider time) : ConsolePage
{
    public User Person { get; private set; } = null!;

    public bool CanEdit { get; private set; }

    public IReadOnlyList<(Guid Id, string Name, bool OnCallNow)> Schedules { get; private set; } = [];

    public IReadOnlyList<ContactMethod> Methods { get; private set; } = [];

    public IReadOnlyList<(NotificationRule Rule, ContactMethod Method)> Rules { get; private set; } = [];

    [BindProperty]
    public string? Kind { get; set; } = "email";

    [BindProperty]
    public string? Address { get; set; }

    [BindProperty]
    public string? Label { get; set; }

    /// <summary>SMS and voice: the provider's request template (docs/notifications.md). Editing, an empty field keeps what is set.</summary>
    [BindProperty]
    public string? ProviderUrl { get; set; }

    [BindProperty]
    public string? ProviderMethod { get; set; }

    [BindProperty]
    public string? ProviderHeaders { get; set; }

    [BindProperty]
    public string? ProviderBody { get; set; }

    [BindProperty]
    public string? ProviderContentType { get; set; }

    /// <summary>The contact method being edited (?edit=ID), if any.</summary>
    public ContactMethod? Editing { get; private set; }

    [BindProperty]
    public Guid RuleMethod { get; set; }

    [BindProperty]
    public int RuleDelay { get; set; }

    [BindProperty]
    public string? RuleUrgency { get; set; } = "any";

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? edit)
    {
        if (!await LoadActorAsync())
            return SignedOut();
        if (!await LoadAsync(id))
            return NotFound();
        if (edit is { } methodId && Methods.FirstOrDefault(m => m.Id == methodId) is { } method)
        {
            Editing = method;
            Kind = method.Kind;
            Address = method.Address;
            Label = method.Label;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostMethodAsync(Guid id)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var kind = ContactMethodCommands.NormalizeKind(Kind);
        var settings = TemplateSettings(kind);
        if (kind is "sms" or "voice" && !settings.ContainsKey(ProviderTemplate.UrlSetting))
        {
            ModelState.AddModelError(nameof(ProviderUrl), "SMS and voice go through your provider's HTTP API: give the request's URL (and, as it needs them, method, headers and body).");
            return Page();
        }
        var outcome = await commands.AddAsync(Actor, id, new ContactMethodInput(Kind ?? "", Address!, Label, settings), HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return Page();
        }
        Notice($"Contact method added. Send it a test to check it reaches {(Actor.UserId == id ? "you" : Person.Name)}.");
        return RedirectToPage(new { id });
    }

    /// <summary>Changes a contact method's address, label and (SMS, voice) template; it must be tested again.</summary>
    public async Task<IActionResult> OnPostEditMethodAsync(Guid id, Guid methodId)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        if (Methods.FirstOrDefault(m => m.Id == methodId) is not { } method)
            return RedirectToPage(new { id });
        Editing = method;
        Kind = method.Kind;
        var outcome = await commands.EditAsync(Actor, id, methodId, new ContactMethodEdit(Address, Label, TemplateSettings(method.Kind)), HttpContext.RequestAborted);
        if (outcome.Failure is { Kind: FailureKind.NotFound })
            return RedirectToPage(new { id });
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return Page();
        }
        Notice($"Contact method {outcome.Value!.Label} changed. Send it a test: it counts as verified again once a test goes through.");
        return RedirectToPage(new { id });
    }

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

    public async Task<IActionResult> OnPostRemoveMethodAsync(Guid id, Guid methodId)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var outcome = await commands.RemoveAsync(Actor, id, methodId, HttpContext.RequestAborted);
        if (outcome.Succeeded)
            Notice($"Contact method {outcome.Value!.Label} removed, with its rules.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostTestAsync(Guid id, Guid methodId)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var outcome = await commands.TestAsync(Actor, id, methodId, new Uri($"{Request.Scheme}://{Request.Host}/users/{id}"), HttpContext.RequestAborted);
        if (!outcome.Succeeded)
            return RedirectToPage(new { id });
        var (method, result) = outcome.Value;
        if (result.Outcome == DeliveryOutcome.Sent)
            Notice($"Test sent to {method.Label}: {result.Detail}");
        else
            TempData["Problem"] = $"The test to {method.Label} did not go through ({result.Outcome.ToString().ToLowerInvariant()}): {result.Detail}";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRuleAsync(Guid id)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var outcome = await commands.AddRuleAsync(Actor, id, new RuleInput(RuleMethod, RuleDelay, RuleUrgency!), HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return Page();
        }
        Notice("Notification rule added.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveRuleAsync(Guid id, Guid ruleId)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        if ((await commands.RemoveRuleAsync(Actor, id, ruleId, HttpContext.RequestAborted)).Succeeded)
            Notice("Notification rule removed.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostFeedAsync(Guid id)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var feed = await CalendarFeeds.IssueAsync(db, CalendarFeed.UserKind, id, Actor.Name, CalendarFeeds.BaseUrl(HttpContext), time, HttpContext.RequestAborted);
        TempData["FeedUrl"] = feed.Url;
        Notice("A new calendar feed URL was made; any earlier one no longer works. Copy it now: it is not shown again.");
        return RedirectToPage(new { id });
    }

    /// <summary>Signed in, the person exists, and their contact details are the caller's to change.</summary>
    private async Task<IActionResult?> GuardAsync(Guid id)
    {
        if (!await LoadActorAsync())
            return SignedOut();
        if (!await LoadAsync(id))
            return NotFound();
        return CanEdit ? null : StatusCode(StatusCodes.Status403Forbidden);
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var person = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id);
        if (person is null)
            return false;
        Person = person;
        CanEdit = Permissions.CanEditUser(Actor, id);
        var now = time.GetUtcNow();
        var schedules = new List<(Guid, string, bool)>();
        foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync())
        {
            var inLayers = Layers.Read(schedule.Layers).Any(l => l.Participants.Contains(id));
            var current = (await SchedulesApi.FinalAsync(db, schedule, now, now.AddMinutes(1), HttpContext.RequestAborted)).FirstOrDefault()?.UserId == id;
            if (inLayers || current)
                schedules.Add((schedule.Id, schedule.Name, current));
        }
        Schedules = schedules;
        if (CanEdit)
        {
            Methods = await db.ContactMethods.AsNoTracking().Where(m => m.UserId == id).OrderBy(m => m.Id).ToListAsync();
            var rules = await db.NotificationRules.AsNoTracking().Where(r => r.UserId == id).ToListAsync();
            Rules = rules.Join(Methods, r => r.ContactMethodId, m => m.Id, (r, m) => (r, m)).OrderBy(x => x.r.DelayMinutes).ThenBy(x => x.m.Label).ToList();
        }
        return true;
    }
}
