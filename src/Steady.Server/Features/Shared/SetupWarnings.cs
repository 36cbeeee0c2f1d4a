using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Server.Data;
using Steady.Server.Notify;

namespace Steady.Server.Features.Shared;

/// <summary>
/// What an administrator must know is not set up: a channel that people's contact methods need but
/// the server cannot use (today: email without Steady:Smtp:Host), so pages to them fail. Shown as a
/// banner on every console page to organization admins.
/// </summary>
public static class SetupWarnings
{
    public static async Task<IReadOnlyList<string>> ForAdminsAsync(SteadyDb db, SmtpOptions smtp, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            var people = await db.ContactMethods.AsNoTracking().Where(c => c.Kind == Steady.Core.OnCall.ContactKind.Email).Select(c => c.UserId).Distinct().CountAsync(cancellationToken);
            if (people > 0)
                warnings.Add($"Email is not set up (Steady:Smtp:Host is empty), yet {people} {(people == 1 ? "person is" : "people are")} reached by email: those pages fail. Set Steady:Smtp (docs/notifications.md) or give them another contact method.");
        }
        return warnings;
    }
}
