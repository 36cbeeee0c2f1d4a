using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;

namespace Steady.Server.Features.StatusPage;

/// <summary>What a person typed in the public update form, kept for the preview and for showing a refusal.</summary>
public sealed record PublicUpdateDraft(string? PublicStatus, string? PublicTitle, string? Known, string? Doing, string? PublicBody, IReadOnlyDictionary<string, string>? Components);

public sealed record PublicUpdateFields(PublicUpdateForm Form, PublicUpdateDraft? Draft);

/// <summary>
/// The incident page's public update form posts here: a preview of what the status page will show,
/// or the update itself — a public incident update through <see cref="IncidentRecords.PostUpdateAsync"/>,
/// which also posts it to the default status page, all or nothing.
/// </summary>
public sealed class IncidentUpdateModel(SteadyDb db, IncidentRecords records) : ConsolePage
{
    public PublicUpdateForm Form { get; private set; } = null!;

    public PublicUpdateDraft? Draft { get; private set; }

    public bool Preview { get; private set; }

    public async Task<IActionResult> OnGetAsync(int number) => await LoadAsync(number) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(int number, string? publicStatus, string? publicTitle, string? known, string? doing, string? publicBody, Dictionary<string, string?>? components, bool preview)
    {
        var chosen = (components ?? []).Where(c => !string.IsNullOrWhiteSpace(c.Value)).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        Draft = new PublicUpdateDraft(publicStatus, publicTitle, known, doing, publicBody, chosen);
        if (!await LoadAsync(number))
            return NotFound();
        if (preview)
        {
            Preview = true;
            return Page();
        }
        var outcome = await records.PostUpdateAsync(Actor, number.ToString(CultureInfo.InvariantCulture),
            new UpdateInput(known, null, doing, null, "public", publicStatus, publicTitle, publicBody, chosen), RequestAborted);
        if (outcome.Failure is { } failure)
        {
            ShowFailure(failure);
            return Page();
        }
        Notice("Public update posted to the status page and the incident's channels.");
        return Redirect($"/incidents/{number}");
    }

    private async Task<bool> LoadAsync(int number)
    {
        var id = await db.Incidents.Where(i => i.Number == number).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(RequestAborted);
        if (id is null)
            return false;
        Form = await PublicUpdateForm.LoadAsync(db, id.Value, RequestAborted);
        return true;
    }

    /// <summary>The body the page will show, as <see cref="PublicIncidentCommands"/> will write it.</summary>
    public string PreviewBody => string.IsNullOrWhiteSpace(Draft?.PublicBody) ? $"{Draft?.Known?.Trim()}\n\n{Draft?.Doing?.Trim()}" : Draft.PublicBody.Trim();
}
