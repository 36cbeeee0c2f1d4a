using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Features.Incidents;

namespace Steady.Server.Features.EmergencyLines;

public sealed record AgreementInput(string? Client = null, IReadOnlyList<string>? CoveredSeverities = null, string? Hours = null, string? Purpose = null, string? Boundaries = null, string? Service = null, string? EscalationPolicy = null, string? Commander = null);

/// <summary>A change to an agreement: a field left out (null) stays as written; <c>commander</c> "" goes back to whoever wrote it down.</summary>
public sealed record AgreementPatch(string? Client = null, IReadOnlyList<string>? CoveredSeverities = null, string? Hours = null, string? Purpose = null, string? Boundaries = null, string? Service = null, string? EscalationPolicy = null, string? Commander = null);

public sealed record SubmissionInput(string? Name = null, string? Contact = null, string? Description = null, string? Severity = null);

public sealed record MisuseInput(string? Reason = null);

public sealed record AgreementDto(Guid Id, string Client, IReadOnlyList<string> CoveredSeverities, string Hours, string Purpose, string Boundaries, Guid ServiceId, Guid EscalationPolicyId, string Key, string IntakePath, DateTimeOffset CreatedAt, bool Suspended, DateTimeOffset? SuspendedAt, string? SuspendedReason, DateTimeOffset? ReinstatedAt, Guid CreatedById, Guid CommanderId)
{
    public static AgreementDto From(EmergencyAgreement a) => new(a.Id, a.Client, a.Severities(), a.Hours, a.Purpose, a.Boundaries, a.ServiceId, a.EscalationPolicyId, a.Key, $"/emergency/{a.Key}", a.CreatedAt, a.IsSuspended, a.SuspendedAt, a.SuspendedReason, a.ReinstatedAt, a.CreatedById, a.CommanderId ?? a.CreatedById);
}

/// <summary>What a client sees before submitting: the boundaries, and whether the line is open.</summary>
public sealed record LineDto(string Client, IReadOnlyList<string> CoveredSeverities, string Hours, string Purpose, string Boundaries, bool Suspended, string? Message);

public sealed record SubmissionDto(Guid Id, Guid AgreementId, DateTimeOffset SubmittedAt, string ContactName, string Contact, string Description, int IncidentNumber, DateTimeOffset? MisuseAt, string? MisuseBy, string? MisuseReason);

/// <summary>The "Steady:Incidents:EmergencyLine" section: when misuse suspends a line.</summary>
public sealed class EmergencyLineOptions
{
    public const string Section = "Steady:Incidents:EmergencyLine";

    public int MisuseThreshold { get; set; } = MisusePolicy.Default.Threshold;

    public TimeSpan MisuseWindow { get; set; } = MisusePolicy.Default.Window;

    /// <summary>Submissions a line accepts within <see cref="SubmissionWindow"/>; 0: no limit.</summary>
    public int SubmissionsPerWindow { get; set; } = SubmissionLimit.Default.Submissions;

    public TimeSpan SubmissionWindow { get; set; } = SubmissionLimit.Default.Window;

    /// <summary>Requests (page views, submissions, refused ones too) one line's key answers per minute, per node; 0: no limit.</summary>
    public int RequestsPerMinute { get; set; } = 30;
}

/// <summary>
/// Each line's request rate, per node, on the injected clock: a fixed one-minute window per key
/// (known or not, so guessing keys is slowed too). The submission limit itself is counted in the
/// database, across nodes (<see cref="EmergencyLineCommands.SubmitAsync"/>).
/// </summary>
public sealed class EmergencyLineRequests(IOptions<EmergencyLineOptions> options, TimeProvider time)
{
    private const int MaxKeys = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Minute, int Count)> _windows = new(StringComparer.Ordinal);

    /// <summary>Null when the request may go on; otherwise a refusal saying when to retry.</summary>
    public Failure? Check(string key)
    {
        var limit = options.Value.RequestsPerMinute;
        if (limit <= 0)
            return null;
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        if (_windows.Count > MaxKeys)
        {
            foreach (var stale in _windows.Where(w => w.Value.Minute < minute).Select(w => w.Key).ToList())
                _windows.TryRemove(stale, out _);
        }
        var window = _windows.AddOrUpdate(key[..Math.Min(key.Length, 100)], _ => (minute, 1), (_, w) => w.Minute == minute ? (minute, w.Count + 1) : (minute, 1));
        if (window.Count <= limit)
            return null;
        var retry = DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60) - now;
        return Failure.TooMany($"This emergency line is receiving too many requests; try again in {Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))} seconds. If you cannot wait, use the standard support channels.", retry);
    }
}

/// <summary>
/// Retainer clients' emergency lines: agreements (admins), submissions from the secret intake (each
/// opens a triage incident and pages the agreement's policy), misuse marked by triage, suspension after
/// repeated misuse, reinstatement by an admin.
/// </summary>
public sealed class EmergencyLineCommands(
    SteadyDb db, IncidentCommands commands, IncidentSeverities severities, IOptions<EmergencyLineOptions> options, TimeProvider time,
    Infrastructure.WakeSignal<IncidentWorker> incidents, Infrastructure.WakeSignal<Paging.EscalationWorker> engine, AuditContext audit)
{
    /// <summary>How the summary of a submission's incident begins.</summary>
    public const string SummaryPrefix = "Submitted through the emergency line: ";

    public const string NoAgreement = "There is no emergency line here. Without a written agreement, please use the standard support channels.";

    public static string SuspendedMessage(EmergencyAgreement a) =>
        $"This emergency line is suspended since {a.SuspendedAt!.Value.UtcDateTime:yyyy-MM-dd} ({a.SuspendedReason}). It accepts no submissions until it is reinstated; please use the standard support channels meanwhile.";

    public Task<EmergencyAgreement?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        db.EmergencyAgreements.AsNoTracking().FirstOrDefaultAsync(a => a.KeyHash == Secrets.Hash(key), cancellationToken); // the key is stored encrypted

    public static LineDto Line(EmergencyAgreement a) =>
        new(a.Client, a.Severities(), a.Hours, a.Purpose, a.Boundaries, a.IsSuspended, a.IsSuspended ? SuspendedMessage(a) : null);

    public async Task<Outcome<EmergencyAgreement>> CreateAsync(Actor actor, AgreementInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization admins can set up an emergency line.");
        var check = await CheckAsync(input, actor.UserId, cancellationToken);
        if (!check.Succeeded)
            return check.Failure!;
        var terms = check.Value!;
        var agreement = new EmergencyAgreement
        {
            Id = Ids.New(time),
            Client = terms.Client,
            CoveredSeverities = terms.CoveredSeverities,
            Hours = terms.Hours,
            Purpose = terms.Purpose,
            Boundaries = terms.Boundaries,
            ServiceId = terms.ServiceId,
            EscalationPolicyId = terms.EscalationPolicyId,
            Key = Secrets.NewToken().Replace("stdy_", "line_", StringComparison.Ordinal),
            CreatedAt = time.GetUtcNow(),
            CreatedById = actor.UserId,
            CommanderId = terms.CommanderId,
        };
        db.EmergencyAgreements.Add(agreement);
        await db.SaveChangesAsync(cancellationToken);
        return agreement;
    }

    /// <summary>
    /// Changes an agreement's terms: the patch laid over what is written, then held to the same rules as a new
    /// agreement, so a change cannot write down what creation would refuse. The key, the suspension and who wrote it stay.
    /// </summary>
    public async Task<Outcome<EmergencyAgreement>> UpdateAsync(Actor actor, Guid agreementId, AgreementPatch patch, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization admins can change an emergency line's agreement.");
        var agreement = await db.EmergencyAgreements.FirstOrDefaultAsync(a => a.Id == agreementId, cancellationToken);
        if (agreement is null)
            return Failure.NotFound("The emergency line");
        var input = new AgreementInput(
            patch.Client ?? agreement.Client,
            patch.CoveredSeverities ?? agreement.Severities(),
            patch.Hours ?? agreement.Hours,
            patch.Purpose ?? agreement.Purpose,
            patch.Boundaries ?? agreement.Boundaries,
            patch.Service ?? agreement.ServiceId.ToString(),
            patch.EscalationPolicy ?? agreement.EscalationPolicyId.ToString(),
            patch.Commander ?? agreement.CommanderId?.ToString());
        var check = await CheckAsync(input, agreement.CreatedById, cancellationToken);
        if (!check.Succeeded)
            return check.Failure!;
        var terms = check.Value!;
        agreement.Client = terms.Client;
        agreement.CoveredSeverities = terms.CoveredSeverities;
        agreement.Hours = terms.Hours;
        agreement.Purpose = terms.Purpose;
        agreement.Boundaries = terms.Boundaries;
        agreement.ServiceId = terms.ServiceId;
        agreement.EscalationPolicyId = terms.EscalationPolicyId;
        agreement.CommanderId = terms.CommanderId;
        await db.SaveChangesAsync(cancellationToken);
        return agreement;
    }

    /// <summary>An agreement's terms as they are stored, once they have passed <see cref="CheckAsync"/>.</summary>
    private sealed record Terms(string Client, string CoveredSeverities, string Hours, string Purpose, string Boundaries, Guid ServiceId, Guid EscalationPolicyId, Guid? CommanderId);

    /// <summary>
    /// The rules every agreement meets, written down or changed: the texts, covered severities from the table, a
    /// service and a policy that exist, and a commander (the one named, else <paramref name="writtenById"/>, who wrote
    /// it down) who is active and responds for the service's team.
    /// </summary>
    private async Task<Outcome<Terms>> CheckAsync(AgreementInput input, Guid writtenById, CancellationToken cancellationToken)
    {
        var validation = new Validation().Name("client", input.Client, 200).Name("hours", input.Hours, 200).Name("purpose", input.Purpose, 2000).Name("boundaries", input.Boundaries, 4000);
        var covered = (input.CoveredSeverities ?? []).Select(s => severities.Table.Find(s)?.Name).ToList();
        if (covered.Count == 0 || covered.Any(c => c is null))
            validation.Add("coveredSeverities", $"'coveredSeverities' lists the severities the line is for, from {string.Join(", ", severities.Table.Levels.Select(l => l.Name))}.");
        if (string.IsNullOrWhiteSpace(input.Service))
            validation.Add("service", "'service' is required: the service an emergency incident affects.");
        if (string.IsNullOrWhiteSpace(input.EscalationPolicy))
            validation.Add("escalationPolicy", "'escalationPolicy' is required: who is paged for a submission.");
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var service = await db.ServiceAsync(input.Service!, cancellationToken);
        if (service is null)
            return Failure.Invalid("service", $"There is no service '{input.Service}'.");
        var policy = await db.EscalationPolicyAsync(input.EscalationPolicy!, tracked: false, cancellationToken);
        if (policy is null)
            return Failure.Invalid("escalationPolicy", $"There is no escalation policy '{input.EscalationPolicy}'.");
        var named = !string.IsNullOrWhiteSpace(input.Commander);
        var commander = named
            ? await db.UserAsync(input.Commander!, cancellationToken)
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == writtenById, cancellationToken);
        if (commander is null)
            return Failure.Invalid("commander", $"There is no active user '{input.Commander}' to command the line's incidents.");
        if (commander.DisabledAt is not null)
        {
            return Failure.Invalid("commander", named
                ? $"{commander.Name} is no longer active, so cannot command the line's incidents; choose someone who is."
                : $"{commander.Name}, who wrote the agreement down and commands its incidents when nobody else is named, is no longer active; name a commander.");
        }
        if (!Permissions.CanRespondFor(await ActorOfAsync(commander, cancellationToken), service.TeamId))
        {
            return Failure.Invalid("commander", named
                ? $"{commander.Name} cannot respond for {service.Name}'s team, so cannot command its incidents; make them a responder there first, or choose someone who is."
                : $"{commander.Name}, who wrote the agreement down and commands its incidents when nobody else is named, cannot respond for {service.Name}'s team; name a commander who can.");
        }
        return new Terms(
            input.Client!.Trim(), JsonSerializer.Serialize(covered.Distinct()), input.Hours!.Trim(), input.Purpose!.Trim(), input.Boundaries!.Trim(),
            service.Id, policy.Id, named ? commander.Id : null);
    }

    public async Task<Outcome<(EmergencySubmission Submission, Incident Incident)>> SubmitAsync(string key, SubmissionInput input, CancellationToken cancellationToken)
    {
        var agreement = await FindByKeyAsync(key, cancellationToken);
        if (agreement is null)
            return new Failure(FailureKind.NotFound, "No emergency line.", NoAgreement);
        if (agreement.IsSuspended)
            return Failure.Forbidden(SuspendedMessage(agreement));
        // Counted and stored under one lock per line, so simultaneous submissions cannot all count the same few:
        // an UPDATE of the line's row holds its row lock until commit on PostgreSQL (across nodes), the write lock on SQLite.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.EmergencyAgreements.Where(a => a.Id == agreement.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Key, a => a.Key), cancellationToken);
        var limit = new SubmissionLimit(options.Value.SubmissionsPerWindow, options.Value.SubmissionWindow);
        var since = time.GetUtcNow() - limit.Window;
        var recent = await db.EmergencySubmissions.AsNoTracking().Where(s => s.AgreementId == agreement.Id && s.SubmittedAt > since).Select(s => s.SubmittedAt).ToListAsync(cancellationToken);
        if (limit.RetryAfter(recent, time.GetUtcNow()) is { } wait)
        {
            return Failure.TooMany(
                $"This line has already received {recent.Count} submissions in the last {Durations.Describe(limit.Window)}, and each one is being handled. "
                + $"A new one can be sent in {Durations.Describe(wait < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : wait)}; meanwhile, reply to the people already working on it, or use the standard support channels.",
                wait);
        }
        var validation = new Validation().Name("name", input.Name, 200).Name("contact", input.Contact, 300).Name("description", input.Description, 4000);
        var covered = agreement.Severities();
        var severity = string.IsNullOrWhiteSpace(input.Severity) ? covered[0] : covered.FirstOrDefault(c => string.Equals(c, input.Severity.Trim(), StringComparison.OrdinalIgnoreCase));
        if (severity is null)
            validation.Add("severity", $"This line covers {string.Join(", ", covered)} only; anything else goes through the standard channels.");
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var (commander, fallback) = await CommanderAsync(agreement, cancellationToken);
        var line = new Actor(commander.Id, $"Emergency line ({agreement.Client})", IsAdmin: true, new Dictionary<Guid, TeamRole>());
        audit.Set(null, line.Name); // the incident and the submission are audited as the line's, not as a person's
        EmergencySubmission? submission = null;
        var firstLine = input.Description!.Trim().Split('\n')[0];
        var declared = await commands.DeclareAsync(line, new DeclareInput(
            $"Emergency line, {agreement.Client}: {(firstLine.Length > 120 ? firstLine[..120] + "…" : firstLine)}",
            severity, [agreement.ServiceId.ToString()], null,
            // Who submitted and how to reach them are the submission's, shown to the line's responders only: not in the summary everyone reads.
            $"{SummaryPrefix}{input.Description!.Trim()}", null, null, commander.Id.ToString()),
            agreement.EscalationPolicyId,
            incident =>
            {
                submission = new EmergencySubmission
                {
                    Id = Ids.New(time),
                    AgreementId = agreement.Id,
                    SubmittedAt = time.GetUtcNow(),
                    ContactName = input.Name!.Trim(),
                    Contact = input.Contact!.Trim(),
                    Description = input.Description.Trim(),
                    IncidentId = incident.Id,
                };
                incident.SubmissionId = submission.Id;
                db.EmergencySubmissions.Add(submission);
                if (fallback is not null)
                    commands.Entry(incident, "role", fallback, null);
            },
            cancellationToken);
        if (!declared.Succeeded)
            return declared.Failure!;
        await transaction.CommitAsync(cancellationToken);
        // Woken again now that it is committed: woken inside the transaction, the workers may have looked before it was.
        incidents.Wake();
        engine.Wake();
        return (submission!, declared.Value!);
    }

    /// <summary>
    /// Who commands a submission's incident: the person the agreement names, else the admin who wrote it
    /// down; when neither is active any more, the longest-standing active organization admin, so a
    /// client's emergency is never refused for it. The second value says why when it is not the first choice.
    /// </summary>
    private async Task<(User Commander, string? Fallback)> CommanderAsync(EmergencyAgreement agreement, CancellationToken cancellationToken)
    {
        var wanted = new[] { agreement.CommanderId, agreement.CreatedById }.OfType<Guid>().Distinct().ToList();
        var people = await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).ToListAsync(cancellationToken);
        var chosen = wanted.Select(id => people.FirstOrDefault(p => p.Id == id)).FirstOrDefault(p => p is { DisabledAt: null });
        if (chosen is not null && chosen.Id == wanted[0])
            return (chosen, null);
        var skipped = string.Join(" and ", wanted.TakeWhile(id => id != chosen?.Id).Select(id => people.FirstOrDefault(p => p.Id == id)?.Name ?? "a deleted user"));
        chosen ??= await db.Users.AsNoTracking().Where(u => u.IsAdmin && u.DisabledAt == null).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).FirstAsync(cancellationToken);
        return (chosen, $"{chosen.Name} commands this emergency-line incident because {skipped} (named by the agreement) is no longer active; hand it over if someone else should.");
    }

    private async Task<Actor> ActorOfAsync(User user, CancellationToken cancellationToken)
    {
        var roles = await db.Memberships.AsNoTracking().Where(m => m.UserId == user.Id).ToDictionaryAsync(m => m.TeamId, m => m.Role, cancellationToken);
        return new Actor(user.Id, user.Name, user.IsAdmin, roles);
    }

    public async Task<Outcome<EmergencyAgreement>> MarkMisuseAsync(Actor actor, Guid submissionId, MisuseInput input, CancellationToken cancellationToken)
    {
        var submission = await db.EmergencySubmissions.FirstOrDefaultAsync(s => s.Id == submissionId, cancellationToken);
        if (submission is null)
            return Failure.NotFound("The submission");
        var agreement = await db.EmergencyAgreements.FirstAsync(a => a.Id == submission.AgreementId, cancellationToken);
        var teamId = await db.Services.Where(s => s.Id == agreement.ServiceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
        if (!Permissions.CanRespondFor(actor, teamId))
            return Failure.Forbidden("Only responders of the team that answers for the line's service can mark a submission as misuse.");
        if (string.IsNullOrWhiteSpace(input.Reason))
            return Failure.Invalid("reason", "'reason' is required: why this was not a high-severity incident (the client will be told when the line is suspended).");
        if (submission.MisuseAt is not null)
            return Failure.Conflict($"Already marked as misuse by {submission.MisuseBy}.");
        var now = time.GetUtcNow();
        submission.MisuseAt = now;
        submission.MisuseBy = actor.Name;
        submission.MisuseReason = input.Reason.Trim();
        var earlier = await db.EmergencySubmissions.AsNoTracking().Where(s => s.AgreementId == agreement.Id && s.MisuseAt != null && s.Id != submission.Id)
            .Select(s => s.MisuseAt!.Value).ToListAsync(cancellationToken);
        var policy = new MisusePolicy(options.Value.MisuseThreshold, options.Value.MisuseWindow);
        if (!agreement.IsSuspended && policy.Suspends(earlier.Append(now), agreement.ReinstatedAt, now))
        {
            agreement.SuspendedAt = now;
            agreement.SuspendedReason = $"{policy.Threshold} submissions marked as misuse within {Durations.Describe(policy.Window)}";
        }
        db.Timeline.Add(new TimelineEntry
        {
            Id = Ids.New(time), IncidentId = submission.IncidentId, At = now, Kind = "misuse", RecordedAt = now, ActorId = actor.UserId, ActorName = actor.Name,
            Text = $"Emergency-line submission marked as misuse by {actor.Name}: {submission.MisuseReason}" + (agreement.IsSuspended ? $". The line is suspended: {agreement.SuspendedReason}." : ""),
        });
        await db.SaveChangesAsync(cancellationToken);
        return agreement;
    }

    public async Task<Outcome<EmergencyAgreement>> ReinstateAsync(Actor actor, Guid agreementId, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization admins can reinstate an emergency line.");
        var agreement = await db.EmergencyAgreements.FirstOrDefaultAsync(a => a.Id == agreementId, cancellationToken);
        if (agreement is null)
            return Failure.NotFound("The emergency line");
        if (!agreement.IsSuspended)
            return Failure.Conflict("The line is not suspended.");
        agreement.SuspendedAt = null;
        agreement.SuspendedReason = null;
        agreement.ReinstatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return agreement;
    }

    public async Task<List<SubmissionDto>> SubmissionsAsync(Guid? agreementId, CancellationToken cancellationToken)
    {
        var query = db.EmergencySubmissions.AsNoTracking();
        if (agreementId is { } id)
            query = query.Where(s => s.AgreementId == id);
        var rows = await query.Join(db.Incidents, s => s.IncidentId, i => i.Id, (s, i) => new SubmissionDto(s.Id, s.AgreementId, s.SubmittedAt, s.ContactName, s.Contact, s.Description, i.Number, s.MisuseAt, s.MisuseBy, s.MisuseReason))
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(s => s.SubmittedAt).Take(200).ToList();
    }
}
