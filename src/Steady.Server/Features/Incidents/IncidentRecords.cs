using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Server.Data;

namespace Steady.Server.Features.Incidents;

/// <summary>
/// What people and hosts add to an incident: status updates, notes, deliberate actions, imported journal entries, evidence.
/// Updates, actions and evidence are audited as rows; notes, pins and imports (timeline lines) as audit entries of the incident.
/// </summary>
public sealed class IncidentRecords(SteadyDb db, IncidentCommands commands, IncidentSeverities severities, IncidentOutbox outbox, TimeProvider time, StatusPage.PublicIncidentCommands statusPage)
{
    public const int MaxImportEntries = 5000;

    public async Task<Outcome<IncidentUpdate>> PostUpdateAsync(Actor actor, string number, UpdateInput input, CancellationToken cancellationToken)
    {
        IncidentUpdate? posted = null;
        var outcome = await commands.ActAsync(actor, number, async (incident, now) =>
        {
            if (incident.Status == IncidentStatus.Closed)
                return Failure.Conflict("The incident is closed; its record is written.");
            var level = severities.Of(incident.Severity);
            var checkedUpdate = StatusUpdates.Check(new StatusUpdateDraft(input.Known, input.Unknown, input.Doing, input.NextUpdateAt, input.Visibility), incident.IsOpen ? level : level with { UpdateCadence = null }, now);
            if (!checkedUpdate.Succeeded)
                return checkedUpdate.Failure;
            var content = checkedUpdate.Value!;
            posted = new IncidentUpdate
            {
                Id = Ids.New(time),
                IncidentId = incident.Id,
                At = now,
                Known = content.Known,
                Unknown = content.Unknown,
                Doing = content.Doing,
                NextUpdateAt = incident.IsOpen ? content.NextUpdateAt : null,
                Visibility = content.Visibility,
                AuthorId = actor.UserId,
                Author = actor.Name,
                Severity = incident.Severity,
                Status = incident.Status,
            };
            db.IncidentUpdates.Add(posted);
            if (posted.Visibility == UpdateVisibility.Public
                && await statusPage.StageForIncidentAsync(actor, incident, input, posted, cancellationToken) is { } notPublished)
                return notPublished;
            incident.LastUpdateAt = now;
            if (incident.IsOpen)
            {
                incident.NextUpdateDueAt = posted.NextUpdateAt;
                incident.CadenceDone = CadenceStep.None;
            }
            var body = $"Known: {posted.Known}\nNot known: {posted.Unknown ?? "nothing noted"}\nDoing: {posted.Doing}"
                + (posted.NextUpdateAt is { } next ? $"\nNext update by {next.UtcDateTime:HH:mm} UTC" : "");
            commands.Entry(incident, "update", $"{(posted.Visibility == UpdateVisibility.Public ? "Public" : "Internal")} update by {actor.Name} — {body.Replace('\n', ' ')}", actor, refId: posted.Id);
            await outbox.ToChannelsAsync(incident, "update", $"update:{posted.Id:N}", IncidentCommands.Headline(incident), body, cancellationToken);
            return null;
        }, cancellationToken);
        return outcome.Succeeded ? posted! : outcome.Failure!;
    }

    public async Task<Outcome<TimelineEntry>> AddNoteAsync(Actor actor, string number, NoteInput input, CancellationToken cancellationToken)
    {
        TimelineEntry? entry = null;
        var outcome = await commands.ActAsync(actor, number, (incident, now) =>
        {
            var validation = new Validation().Text("text", input.Text, 4000);
            if (string.IsNullOrWhiteSpace(input.Text))
                validation.Add("text", "'text' is required.");
            if (input.At is { } at && at > now + TimeSpan.FromMinutes(1))
                validation.Add("at", "'at' cannot be in the future: notes record what happened (set it in the past for events reconstructed later).");
            if (validation.ToFailure() is { } invalid)
                return Task.FromResult<Failure?>(invalid);
            entry = commands.Entry(incident, "note", input.Text!.Trim(), actor, input.At?.ToUniversalTime());
            entry.Pinned = input.Pinned;
            db.AuditEvent("noted", "incident", incident.Id, new Dictionary<string, string?>
            {
                ["entry"] = entry.Id.ToString(), ["text"] = entry.Text, ["at"] = entry.At.ToString("O", CultureInfo.InvariantCulture), ["pinned"] = entry.Pinned ? "true" : "false",
            });
            return Task.FromResult<Failure?>(null);
        }, cancellationToken);
        return outcome.Succeeded ? entry! : outcome.Failure!;
    }

    public async Task<Outcome<TimelineEntry>> PinAsync(Actor actor, string number, Guid entryId, bool pinned, CancellationToken cancellationToken)
    {
        TimelineEntry? entry = null;
        var outcome = await commands.ActAsync(actor, number, async (incident, _) =>
        {
            entry = await db.Timeline.FirstOrDefaultAsync(t => t.Id == entryId && t.IncidentId == incident.Id, cancellationToken);
            if (entry is null)
                return Failure.NotFound("The timeline entry");
            if (entry.Pinned != pinned)
                db.AuditEvent(pinned ? "pinned" : "unpinned", "incident", incident.Id, new Dictionary<string, string?> { ["entry"] = entry.Id.ToString(), ["text"] = entry.Text });
            entry.Pinned = pinned;
            return null;
        }, cancellationToken);
        return outcome.Succeeded ? entry! : outcome.Failure!;
    }

    public async Task<Outcome<IncidentAction>> RecordActionAsync(Actor actor, string number, ActionInput input, CancellationToken cancellationToken)
    {
        IncidentAction? action = null;
        var outcome = await commands.ActAsync(actor, number, (incident, now) =>
        {
            var draft = new ActionDraft(input.Intent, input.ExpectedEffect, input.DecidedBy, input.DoneAt, input.ObservedEffect);
            if (DeliberateActions.Check(draft, now) is { } invalid)
                return Task.FromResult<Failure?>(invalid);
            if (!string.IsNullOrWhiteSpace(input.ObservedEffect) && input.DoneAt is null)
                return Task.FromResult<Failure?>(Failure.Invalid("doneAt", "An effect can only be observed once the action was done: give 'doneAt'."));
            var verdict = DeliberateActions.CheckVerdict(input.Verdict, input.ObservedEffect);
            if (verdict.Failure is { } badVerdict)
                return Task.FromResult<Failure?>(badVerdict);
            action = new IncidentAction
            {
                Id = Ids.New(time),
                IncidentId = incident.Id,
                Intent = input.Intent!.Trim(),
                ExpectedEffect = input.ExpectedEffect!.Trim(),
                DecidedBy = string.IsNullOrWhiteSpace(input.DecidedBy) ? actor.Name : input.DecidedBy.Trim(),
                DecidedAt = now,
                DoneAt = input.DoneAt?.ToUniversalTime(),
                ObservedEffect = string.IsNullOrWhiteSpace(input.ObservedEffect) ? null : input.ObservedEffect.Trim(),
                ObservedAt = string.IsNullOrWhiteSpace(input.ObservedEffect) ? null : now,
                Verdict = verdict.Value,
                RecordedBy = actor.Name,
            };
            db.IncidentActions.Add(action);
            commands.Entry(incident, "action", $"Action decided by {action.DecidedBy}: {action.Intent} — expected: {action.ExpectedEffect}"
                + (action.DoneAt is not null ? " (done)" : "") + (action.ObservedEffect is { } o ? $" — observed: {o}" : "") + VerdictText(action), actor, refId: action.Id);
            return Task.FromResult<Failure?>(null);
        }, cancellationToken);
        return outcome.Succeeded ? action! : outcome.Failure!;
    }

    public async Task<Outcome<IncidentAction>> ObserveAsync(Actor actor, string number, Guid actionId, ObservationInput input, CancellationToken cancellationToken)
    {
        IncidentAction? action = null;
        var outcome = await commands.ActAsync(actor, number, async (incident, now) =>
        {
            action = await db.IncidentActions.FirstOrDefaultAsync(a => a.Id == actionId && a.IncidentId == incident.Id, cancellationToken);
            if (action is null)
                return Failure.NotFound("The action");
            if (DeliberateActions.CheckObservation(input.ObservedEffect, action.DoneAt, input.DoneAt) is { } invalid)
                return invalid;
            var verdict = DeliberateActions.CheckVerdict(input.Verdict, input.ObservedEffect);
            if (verdict.Failure is { } badVerdict)
                return badVerdict;
            if (input.DoneAt is { } done)
            {
                if (done > now + TimeSpan.FromMinutes(1))
                    return Failure.Invalid("doneAt", "'doneAt' cannot be in the future.");
                action.DoneAt = done.ToUniversalTime();
                commands.Entry(incident, "action", $"Action done: {action.Intent}", actor, action.DoneAt, action.Id);
            }
            if (!string.IsNullOrWhiteSpace(input.ObservedEffect))
            {
                action.ObservedEffect = input.ObservedEffect.Trim();
                action.ObservedAt = now;
                action.Verdict = verdict.Value;
                commands.Entry(incident, "action", $"Observed effect of '{action.Intent}' (expected: {action.ExpectedEffect}): {action.ObservedEffect}" + VerdictText(action), actor, refId: action.Id);
            }
            return null;
        }, cancellationToken);
        return outcome.Succeeded ? action! : outcome.Failure!;
    }

    private static string VerdictText(IncidentAction action) => action.Verdict switch
    {
        ActionVerdict.AsExpected => " — as expected",
        ActionVerdict.NoEffect => " — no effect",
        ActionVerdict.MadeWorse => " — made it worse",
        _ => "",
    };

    /// <summary>Journal entries from a host (steady timeline import): original time and host kept, deduplicated by key.</summary>
    public async Task<Outcome<ImportResult>> ImportAsync(Actor actor, string number, ImportInput input, CancellationToken cancellationToken)
    {
        var entries = input.Entries ?? [];
        var validation = new Validation().Name("source", input.Source, 50).Text("host", input.Host, 255);
        if (entries.Count == 0)
            validation.Add("entries", "'entries' needs at least one entry.");
        if (entries.Count > MaxImportEntries)
            validation.Add("entries", $"At most {MaxImportEntries} entries per request; send the rest in further requests.");
        for (var i = 0; i < entries.Count && validation.IsValid; i++)
        {
            var e = entries[i];
            if (e is null || e.At is null || string.IsNullOrWhiteSpace(e.Text) || string.IsNullOrWhiteSpace(e.Key))
                validation.Add("entries", $"Entry {i} needs 'at', 'text' and 'key'.");
            else if (e.Key.Length > 300 || e.Text.Length > 4000 || (e.Kind?.Length ?? 0) > 50)
                validation.Add("entries", $"Entry {i} is too long (key at most 300, text at most 4000, kind at most 50 characters).");
        }
        if (validation.ToFailure() is { } invalid)
            return invalid;
        ImportResult? result = null;
        var outcome = await commands.ActAsync(actor, number, async (incident, now) =>
        {
            var keys = entries.Select(e => e.Key!).Distinct(StringComparer.Ordinal).ToList();
            var existing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in keys.Chunk(500))
            {
                var found = await db.Timeline.AsNoTracking().Where(t => t.IncidentId == incident.Id && t.Key != null && chunk.Contains(t.Key))
                    .Select(t => t.Key!).ToListAsync(cancellationToken);
                existing.UnionWith(found);
            }
            var added = 0;
            foreach (var e in entries)
            {
                if (!existing.Add(e.Key!))
                    continue;
                db.Timeline.Add(new TimelineEntry
                {
                    Id = Ids.New(time),
                    IncidentId = incident.Id,
                    At = e.At!.Value.ToUniversalTime(),
                    Kind = string.IsNullOrWhiteSpace(e.Kind) ? "journal" : e.Kind.Trim(),
                    Text = e.Text!,
                    ActorId = actor.UserId,
                    ActorName = actor.Name,
                    Source = input.Source!.Trim(),
                    Host = string.IsNullOrWhiteSpace(input.Host) ? null : input.Host.Trim(),
                    Key = e.Key,
                    RecordedAt = now,
                });
                added++;
            }
            result = new ImportResult(added, entries.Count - added);
            if (added > 0)
            {
                db.AuditEvent("imported", "incident", incident.Id, new Dictionary<string, string?>
                {
                    ["source"] = input.Source!.Trim(), ["host"] = string.IsNullOrWhiteSpace(input.Host) ? null : input.Host.Trim(),
                    ["added"] = added.ToString(CultureInfo.InvariantCulture), ["skipped"] = (entries.Count - added).ToString(CultureInfo.InvariantCulture),
                });
            }
            return null;
        }, cancellationToken);
        return outcome.Succeeded ? result! : outcome.Failure!;
    }

    /// <summary>A steady.snapshot/v1 document: stored whole, each finding on the timeline at the time the snapshot was taken.</summary>
    public async Task<Outcome<IncidentEvidence>> AddEvidenceAsync(Actor actor, string number, JsonElement document, CancellationToken cancellationToken)
    {
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String || schema.GetString() != "steady.snapshot/v1")
            return Failure.Invalid("schema", "The body must be a steady.snapshot/v1 document (its 'schema' is \"steady.snapshot/v1\"), as `steady snapshot --json` writes.");
        string? host = null;
        if (document.TryGetProperty("host", out var hostElement) && hostElement.ValueKind == JsonValueKind.Object
            && hostElement.TryGetProperty("hostname", out var hostname) && hostname.ValueKind == JsonValueKind.String)
            host = hostname.GetString();
        if (!document.TryGetProperty("takenAt", out var takenElement) || takenElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(takenElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var takenAt))
            return Failure.Invalid("takenAt", "'takenAt' must be the time the snapshot was taken (ISO 8601).");
        var findings = new List<FindingDto>();
        if (document.TryGetProperty("findings", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in list.EnumerateArray())
            {
                if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    return Failure.Invalid("findings", "Each finding needs a 'text'.");
                findings.Add(new FindingDto(Str(f, "severity") ?? "info", Str(f, "area") ?? "", text.GetString()!));
            }
        }
        IncidentEvidence? evidence = null;
        var outcome = await commands.ActAsync(actor, number, (incident, now) =>
        {
            evidence = new IncidentEvidence
            {
                Id = Ids.New(time),
                IncidentId = incident.Id,
                Kind = "snapshot",
                Host = host,
                TakenAt = takenAt.ToUniversalTime(),
                AddedAt = now,
                AddedBy = actor.Name,
                FindingCount = findings.Count,
                Findings = JsonSerializer.Serialize(findings, JsonSerializerOptions.Web),
                Document = document.GetRawText(),
            };
            db.IncidentEvidence.Add(evidence);
            var entry = commands.Entry(incident, "evidence", $"Snapshot of {host ?? "a host"} attached by {actor.Name}: {findings.Count} finding{(findings.Count == 1 ? "" : "s")}", actor, evidence.TakenAt, evidence.Id);
            entry.Source = "snapshot";
            entry.Host = host;
            foreach (var finding in findings)
            {
                var line = commands.Entry(incident, "finding", $"[{finding.Severity}] {finding.Text}", actor, evidence.TakenAt, evidence.Id);
                line.Source = "snapshot";
                line.Host = host;
            }
            return Task.FromResult<Failure?>(null);
        }, cancellationToken);
        return outcome.Succeeded ? evidence! : outcome.Failure!;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
