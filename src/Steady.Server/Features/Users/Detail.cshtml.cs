using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.Users;

/// <summary>
/// A person's profile: the schedules they are in, and — for themselves and organization admins —
/// their contact methods with a "send test" button and their notification rules (the OnCall feature's panel and
/// commands), and their calendar feed.
/// </summary>
public sealed class UserDetailModel(SteadyDb db, ContactMethodCommands commands, UserCommands users, TimeProvider time) : ConsolePage
{
    public User Person { get; private set; } = null!;

    public bool CanEdit { get; private set; }

    public IReadOnlyList<(Guid Id, string Name, bool OnCallNow)> Schedules { get; private set; } = [];

    /// <summary>The contact methods and notification rules (Features/OnCall/_ContactMethods.cshtml), loaded when <see cref="CanEdit"/>.</summary>
    [BindProperty]
    public ContactMethodsPanel ContactMethods { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? edit)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (edit is { } methodId)
            ContactMethods.Edit(methodId, fill: true);
        return Page();
    }

    public async Task<IActionResult> OnPostMethodAsync(Guid id)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        if (ContactMethods.NeedsProviderUrl)
        {
            ModelState.AddModelError(nameof(ContactMethodsPanel.ProviderUrl), "SMS and voice go through your provider's HTTP API: give the request's URL (and, as it needs them, method, headers and body).");
            return Page();
        }
        var outcome = await commands.AddAsync(Actor, id, ContactMethods.NewMethod(), RequestAborted);
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
        if (!ContactMethods.Edit(methodId, fill: false))
            return RedirectToPage(new { id });
        var outcome = await commands.EditAsync(Actor, id, methodId, ContactMethods.Change(), RequestAborted);
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

    public async Task<IActionResult> OnPostRemoveMethodAsync(Guid id, Guid methodId)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var outcome = await commands.RemoveAsync(Actor, id, methodId, RequestAborted);
        if (outcome.Succeeded)
            Notice($"Contact method {outcome.Value!.Label} removed, with its rules.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostTestAsync(Guid id, Guid methodId)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var outcome = await commands.TestAsync(Actor, id, methodId, new Uri($"{Request.Scheme}://{Request.Host}/users/{id}"), RequestAborted);
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
        if (!ModelState.IsValid)
            return Page(); // a delay or method the form could not read
        var outcome = await commands.AddRuleAsync(Actor, id, ContactMethods.NewRule(), RequestAborted);
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
        if ((await commands.RemoveRuleAsync(Actor, id, ruleId, RequestAborted)).Succeeded)
            Notice("Notification rule removed.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostFeedAsync(Guid id)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var feed = await CalendarFeeds.IssueAsync(db, CalendarFeed.UserKind, id, Actor.Name, HttpContext.PublicUrl(), time, RequestAborted);
        TempData["FeedUrl"] = feed.Url;
        Notice("A new calendar feed URL was made; any earlier one no longer works. Copy it now: it is not shown again.");
        return RedirectToPage(new { id });
    }

    /// <summary>An organization admin sets (or resets) someone else's password, through the same command as the API.</summary>
    public async Task<IActionResult> OnPostPasswordAsync(Guid id, string? newPassword)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (!Actor.IsAdmin || Actor.UserId == id)
            return StatusCode(StatusCodes.Status403Forbidden);
        var outcome = await users.ChangePasswordAsync(Actor, id, new PasswordInput(newPassword ?? ""), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return Page();
        }
        Notice($"{Person.Name}'s password is set. Tell them through a channel you trust; they can change it under their profile.");
        return RedirectToPage(new { id });
    }

    /// <summary>Ends every console session of this person (their cookies are refused at once): the person, or organization admins.</summary>
    public async Task<IActionResult> OnPostEndSessionsAsync(Guid id, [FromServices] Accounts.ConsoleSessions sessions)
    {
        if (await GuardAsync(id) is { } refused)
            return refused;
        var outcome = await sessions.EndAsync(Actor, id, null, null, RequestAborted);
        Notice(outcome.Succeeded ? $"{outcome.Value} session{(outcome.Value == 1 ? "" : "s")} of {Person.Name} ended." : outcome.Failure!.Detail);
        return RedirectToPage(new { id });
    }

    /// <summary>The person exists, and their contact details are the caller's to change.</summary>
    private async Task<IActionResult?> GuardAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        return CanEdit ? null : StatusCode(StatusCodes.Status403Forbidden);
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var person = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, RequestAborted);
        if (person is null)
            return false;
        Person = person;
        CanEdit = Permissions.CanEditUser(Actor, id);
        var now = time.GetUtcNow();
        var schedules = new List<(Guid, string, bool)>();
        foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(RequestAborted))
        {
            var inLayers = Layers.Read(schedule.Layers).Any(l => l.Participants.Contains(id));
            var current = (await SchedulesApi.FinalAsync(db, schedule, now, now.AddMinutes(1), RequestAborted)).FirstOrDefault()?.UserId == id;
            if (inLayers || current)
                schedules.Add((schedule.Id, schedule.Name, current));
        }
        Schedules = schedules;
        if (CanEdit)
            await ContactMethods.LoadAsync(db, id, person.Name, Actor.UserId == id, RequestAborted);
        return true;
    }
}
