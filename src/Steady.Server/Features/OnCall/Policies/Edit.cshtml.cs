using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;

namespace Steady.Server.Features.OnCall.Policies;

/// <summary>One step as the form sends it: whom to notify (one select per target, blanks ignored) and how long to wait.</summary>
public sealed class StepForm
{
    public List<string?> Notify { get; set; } = [];

    public string? Wait { get; set; }

    public bool Remove { get; set; }

    public bool IsBlank => Notify.All(string.IsNullOrWhiteSpace);
}

/// <summary>
/// Creates or changes an escalation policy: its steps (schedules, people, a team in turn), waits and repeats,
/// with whom each step would notify now beside it. Works without JavaScript; "Save" goes through
/// <see cref="PolicyCommands"/> like the API.
/// </summary>
public sealed partial class PolicyEditModel(SteadyDb db, TimeProvider time, PolicyCommands commands) : ConsolePage
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Team { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public int Repeat { get; set; }

    [BindProperty]
    public List<StepForm> Steps { get; set; } = [];

    public EscalationPolicyRecord? Existing { get; private set; }

    public string? TeamName { get; private set; }

    public IReadOnlyList<Team> ManagedTeams { get; private set; } = [];

    /// <summary>What a step may notify: (value the command resolves, label, group).</summary>
    public IReadOnlyList<(string Value, string Label, string Group)> Targets { get; private set; } = [];

    /// <summary>Whom each step would notify now: the saved policy's, or after "Preview" the form's (null for a new policy not previewed).</summary>
    public PolicyOnCallDto? Now { get; private set; }

    /// <summary><see cref="Now"/> is the unsaved form's, not the saved policy's.</summary>
    public bool Previewed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        if (Existing is { } policy)
        {
            var dto = await PoliciesApi.DtoAsync(db, policy, RequestAborted);
            var emails = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Email, RequestAborted);
            Name = policy.Name;
            Description = policy.Description;
            Repeat = policy.Repeat;
            Steps = dto.Steps.Select(s => new StepForm
            {
                Wait = s.Wait,
                Notify = s.Notify.Select(t => (string?)(t.Type switch { "user" => emails.GetValueOrDefault(t.Id, t.Name), "team" => "team:" + t.Name, _ => t.Name })).ToList(),
            }).ToList();
        }
        else
        {
            Steps = [new StepForm { Wait = "5m" }];
        }
        return Shown();
    }

    public async Task<IActionResult> OnPostAddStepAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        ModelState.Clear();
        Steps.Add(new StepForm { Wait = "5m" });
        return Shown();
    }

    /// <summary>Who the steps in the form would page now, before anything is saved (checked as Save checks them).</summary>
    public async Task<IActionResult> OnPostPreviewAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        if (!ModelState.IsValid)
            return Shown();
        var (input, index) = Input();
        var outcome = await commands.PreviewAsync(id, input, RequestAborted);
        if (!outcome.Succeeded)
        {
            Show(outcome.Failure!, index);
            return Shown();
        }
        Now = await PoliciesApi.OnCallAsync(db, outcome.Value!, time.GetUtcNow(), RequestAborted);
        Previewed = true;
        return Shown();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        if (!ModelState.IsValid)
            return Shown();
        var (input, index) = Input();
        var outcome = Existing is { } policy
            ? await commands.ReplaceAsync(Actor, policy.Id, input, RequestAborted)
            : await commands.CreateAsync(Actor, input, RequestAborted);
        if (!outcome.Succeeded)
        {
            Show(outcome.Failure!, index);
            return Shown();
        }
        Notice(Existing is null ? $"Escalation policy {outcome.Value!.Name} created." : $"Escalation policy {outcome.Value!.Name} saved.");
        return Redirect($"/policies/{outcome.Value.Id}");
    }

    /// <summary>The form as the command's input, and which form step each of its steps came from (blank and removed ones are left out).</summary>
    private (PolicyInput Input, List<int> Index) Input()
    {
        var index = new List<int>();
        var chain = new List<ChainStep>();
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i].Remove || Steps[i].IsBlank)
                continue;
            var names = Steps[i].Notify.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim()).Distinct().ToList();
            chain.Add(new ChainStep(JsonSerializer.SerializeToElement(names), string.IsNullOrWhiteSpace(Steps[i].Wait) ? null : Steps[i].Wait!.Trim()));
            index.Add(i);
        }
        return (new PolicyInput(Name ?? "", Existing is null ? Team : null, Description ?? "", Repeat, chain), index);
    }

    public IEnumerable<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => string.IsNullOrEmpty(e.ErrorMessage) ? "This value is not valid." : e.ErrorMessage) : [];

    /// <summary>"escalation_chain[1].wait '…' must be…" goes next to the form's step it came from, without its path.</summary>
    private void Show(Failure failure, IReadOnlyList<int> index)
    {
        if (failure.Errors is not { Count: > 0 } errors)
        {
            ModelState.AddModelError(string.Empty, failure.Detail);
            return;
        }
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                var match = StepPath().Match(field);
                if (!match.Success)
                {
                    ModelState.AddModelError(field == "escalation_chain" ? "Steps" : field, message);
                    continue;
                }
                var step = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                var text = StepPath().Replace(message, "", 1).TrimStart('.', ' ');
                ModelState.AddModelError($"Steps[{(step < index.Count ? index[step] : step)}]", text.Length == 0 ? message : char.ToUpperInvariant(text[0]) + text[1..]);
            }
        }
    }

    [GeneratedRegex(@"^escalation_chain\[(\d+)\]")]
    private static partial Regex StepPath();

    private IActionResult Shown()
    {
        foreach (var step in Steps)
        {
            step.Notify.RemoveAll(string.IsNullOrWhiteSpace);
            step.Notify.AddRange([null, null]);
        }
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid? id)
    {
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(RequestAborted);
        ManagedTeams = teams.Where(t => Permissions.CanManageTeam(Actor, t.Id)).ToList();
        var schedules = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(RequestAborted);
        var people = await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).OrderBy(u => u.Name).Select(u => new { u.Name, u.Email }).ToListAsync(RequestAborted);
        Targets =
        [
            .. schedules.Select(s => (s, s, "Whoever is on call in the schedule")),
            .. people.Select(p => (p.Email, $"{p.Name} ({p.Email})", "A person")),
            .. teams.Select(t => ("team:" + t.Name, t.Name, "A team's members, in turn (round robin)")),
        ];
        if (id is { } policyId)
        {
            Existing = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == policyId, RequestAborted);
            if (Existing is null)
                return NotFound();
            if (!Permissions.CanManageTeam(Actor, Existing.TeamId))
                return StatusCode(StatusCodes.Status403Forbidden);
            TeamName = teams.FirstOrDefault(t => t.Id == Existing.TeamId)?.Name;
            Now = await PoliciesApi.OnCallAsync(db, Existing, time.GetUtcNow(), RequestAborted);
        }
        else if (ManagedTeams.Count == 0)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        return null;
    }
}
