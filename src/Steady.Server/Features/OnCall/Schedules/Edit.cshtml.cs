using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>
/// Creates or changes a schedule: its name, zone and layers (people in order, rotation, first handoff, restrictions),
/// with a preview of the next two weeks before saving. Works without JavaScript: "Add a layer" and "Preview" are
/// form posts that save nothing; "Save" goes through <see cref="ScheduleCommands"/> like the API.
/// </summary>
public sealed class ScheduleEditModel(SteadyDb db, TimeProvider time, ScheduleCommands commands) : ConsolePage
{
    public const int PreviewDays = 14;

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Team { get; set; }

    [BindProperty]
    public string? TimeZone { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public List<LayerForm> Layers { get; set; } = [];

    public Schedule? Existing { get; private set; }

    public string? TeamName { get; private set; }

    public IReadOnlyList<Team> ManagedTeams { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name, string Email)> People { get; private set; } = [];

    public IReadOnlyList<TimelineDay>? Preview { get; private set; }

    public string PreviewZone { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        if (Existing is { } schedule)
        {
            Name = schedule.Name;
            TimeZone = schedule.TimeZone;
            Description = schedule.Description;
            Layers = Core.OnCall.Layers.Read(schedule.Layers).Select(LayerForm.From).ToList();
        }
        else
        {
            TimeZone = Time.Zone.Id;
            Layers = [BlankLayer()];
        }
        return Shown();
    }

    public async Task<IActionResult> OnPostAddLayerAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        ModelState.Clear();
        Layers.Add(BlankLayer());
        return Shown();
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        if (!ModelState.IsValid)
            return Shown();
        var (input, index) = Input();
        if (input is null)
            return Shown();
        var outcome = await commands.PreviewAsync(id, input, RequestAborted);
        if (!outcome.Succeeded)
        {
            Show(outcome.Failure!, index);
            return Shown();
        }
        var draft = outcome.Value!;
        var zone = DateTimeZoneProviders.Tzdb[draft.TimeZone];
        var now = time.GetUtcNow();
        var today = Instant.FromDateTimeOffset(now).InZone(zone).Date;
        var shifts = await SchedulesApi.FinalAsync(db, draft, zone.AtStartOfDay(today).ToDateTimeOffset(), zone.AtStartOfDay(today.PlusDays(PreviewDays)).ToDateTimeOffset(), RequestAborted);
        Preview = ScheduleTimeline.Build(shifts, zone, today, PreviewDays, now, await ScheduleTimeline.ColoursAsync(db, RequestAborted));
        PreviewZone = draft.TimeZone;
        return Shown();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid? id)
    {
        if (await LoadAsync(id) is { } refused)
            return refused;
        if (!ModelState.IsValid)
            return Shown();
        var (input, index) = Input();
        if (input is null)
            return Shown();
        var outcome = Existing is { } schedule
            ? await commands.UpdateAsync(Actor, schedule.Id, input with { Team = null }, RequestAborted)
            : await commands.CreateAsync(Actor, input, RequestAborted);
        if (!outcome.Succeeded)
        {
            Show(outcome.Failure!, index);
            return Shown();
        }
        Notice(Existing is null ? $"Schedule {outcome.Value!.Name} created." : $"Schedule {outcome.Value!.Name} saved.");
        return Redirect($"/schedules/{outcome.Value.Id}");
    }

    /// <summary>The errors recorded for one field of the form (the command's, or the form's own).</summary>
    public IEnumerable<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => string.IsNullOrEmpty(e.ErrorMessage) ? "This value is not valid." : e.ErrorMessage) : [];

    private (ScheduleInput? Input, List<int> Index) Input()
    {
        var (layers, index, errors) = ScheduleForm.ToLayers(Layers);
        foreach (var (key, message) in errors)
            ModelState.AddModelError(key, message);
        if (errors.Count > 0)
            return (null, index);
        return (new ScheduleInput(Name ?? "", Existing is null ? Team : null, TimeZone?.Trim(), Description ?? "", layers), index);
    }

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
                var (key, text) = field == "layers" ? ScheduleForm.Field(message, index) : (field, message);
                ModelState.AddModelError(key, text);
            }
        }
    }

    /// <summary>The page with room to add: two more places in each layer's order and one more restriction row.</summary>
    private IActionResult Shown()
    {
        foreach (var layer in Layers)
        {
            layer.Participants.RemoveAll(string.IsNullOrWhiteSpace);
            layer.Restrictions.RemoveAll(r => r.IsBlank);
            layer.Participants.AddRange([null, null]);
            layer.Restrictions.Add(new RestrictionForm());
        }
        return Page();
    }

    private LayerForm BlankLayer()
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone ?? "") ?? DateTimeZone.Utc;
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(zone).Date;
        var monday = today.With(DateAdjusters.Next(IsoDayOfWeek.Monday));
        return new LayerForm { Name = Layers.Count == 0 ? "Primary" : $"Layer {Layers.Count + 1}", FirstHandoff = monday.At(new LocalTime(9, 0)).ToString("uuuu'-'MM'-'dd'T'HH':'mm", null) };
    }

    /// <summary>The schedule being edited (none: a new one), and who may edit; a result when the page must not show.</summary>
    private async Task<IActionResult?> LoadAsync(Guid? id)
    {
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(RequestAborted);
        ManagedTeams = teams.Where(t => Permissions.CanManageTeam(Actor, t.Id)).ToList();
        People = await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).OrderBy(u => u.Name).Select(u => new ValueTuple<Guid, string, string>(u.Id, u.Name, u.Email)).ToListAsync(RequestAborted);
        if (id is { } scheduleId)
        {
            Existing = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, RequestAborted);
            if (Existing is null)
                return NotFound();
            if (!Permissions.CanManageTeam(Actor, Existing.TeamId))
                return StatusCode(StatusCodes.Status403Forbidden);
            TeamName = teams.FirstOrDefault(t => t.Id == Existing.TeamId)?.Name;
        }
        else if (ManagedTeams.Count == 0)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        return null;
    }
}
