using Microsoft.EntityFrameworkCore;
using Steady.Core.Paging;
using Steady.Server.Data;
using Steady.Server.Notify;

namespace Steady.Server.Features.Shared;

/// <summary>One thing an administrator must know, and where to act on it.</summary>
public sealed record SetupWarning(string Text, string? Link = null, string? LinkText = null);

/// <summary>
/// What an administrator must know is not set up or not working: a channel that people's contact methods need but
/// the server cannot use (today: email without Steady:Smtp:Host), so pages to them fail; and pages that failed
/// lately, with the page that lists them (<c>/deliveries</c>); and a last good backup older than two scheduled intervals. Shown as a banner on every console page to
/// organization admins.
/// </summary>
public static class SetupWarnings
{
    public static async Task<IReadOnlyList<SetupWarning>> ForAdminsAsync(SteadyDb db, SmtpOptions smtp, Backups.BackupOptions backup, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var warnings = new List<SetupWarning>();
        var backups = await Backups.BackupSummary.LoadAsync(db, backup, now, cancellationToken);
        if (backups.Overdue)
            warnings.Add(new((backups.LastSuccessAt is { } last ? $"The last good backup is from {last.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "There is no good backup yet")
                + $", though Steady:Backup:Schedule asks for one every {backups.Interval!.Value.TotalHours:0.##} h" + (backups.LastError is { } error ? $"; the last attempt failed: {error}" : ".")
                + " See the Backups section of docs/operations.md."));
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            var people = await db.ContactMethods.AsNoTracking().Where(c => c.Kind == Steady.Core.OnCall.ContactKind.Email).Select(c => c.UserId).Distinct().CountAsync(cancellationToken);
            if (people > 0)
                warnings.Add(new($"Email is not set up (Steady:Smtp:Host is empty), yet {people} {(people == 1 ? "person is" : "people are")} reached by email: those pages fail. Set Steady:Smtp (docs/notifications.md) or give them another contact method.", "/deliveries", "Pages that failed"));
        }
        var since = now.AddDays(-1);
        var failed = await db.Deliveries.AsNoTracking().Where(d => d.State == DeliveryState.FailedPermanent && d.CreatedAt > since).CountAsync(cancellationToken);
        if (failed > 0 && warnings.Count == 0)
            warnings.Add(new($"{failed} {(failed == 1 ? "page" : "pages")} could not be delivered in the last day.", "/deliveries", "See why, and send them again"));
        return warnings;
    }
}
