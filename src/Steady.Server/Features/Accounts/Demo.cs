using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;

namespace Steady.Server.Features.Accounts;

/// <summary>
/// --demo: a small organization so a new user sees a living system. Loaded once, on a database
/// that has no teams yet; later features add their part of the story here.
/// </summary>
public sealed partial class Demo(SteadyDb db, TimeProvider time, AuditContext audit, ILogger<Demo> logger)
{
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (await db.Teams.AnyAsync(cancellationToken))
        {
            LogSkipped(logger);
            return;
        }
        audit.Set(null, "demo");
        var now = time.GetUtcNow();
        var payments = AddTeam("Payments", "Card processing, checkout and the ledger.");
        var platform = AddTeam("Platform", "Databases, the edge and the machines under everything.");

        var alice = AddUser("Alice Martin", "alice@example.com", "Europe/Berlin");
        var bob = AddUser("Bob Okafor", "bob@example.com", "Europe/London");
        var carol = AddUser("Carol Nguyen", "carol@example.com", "America/New_York");
        var dave = AddUser("Dave Silva", "dave@example.com", "America/Sao_Paulo");
        var erin = AddUser("Erin Kowalski", "erin@example.com", "Europe/Warsaw");
        Member(payments, alice, TeamRole.Admin);
        Member(payments, bob, TeamRole.Responder);
        Member(payments, carol, TeamRole.Responder);
        Member(platform, dave, TeamRole.Admin);
        Member(platform, erin, TeamRole.Responder);
        Member(platform, carol, TeamRole.Viewer);

        AddService(payments, "payments-api", "The card payments API behind checkout.", "https://runbooks.example.com/payments-api");
        AddService(payments, "checkout-web", "The checkout pages customers see.", "https://runbooks.example.com/checkout-web");
        AddService(platform, "postgres-primary", "The primary PostgreSQL cluster.", "https://runbooks.example.com/postgres");
        AddService(platform, "edge-proxy", "TLS termination and routing at the edge.", null);
        await db.SaveChangesAsync(cancellationToken);
        LogLoaded(logger);

        Team AddTeam(string name, string description)
        {
            var team = new Team { Id = Ids.New(time), Name = name, Description = description, CreatedAt = now };
            db.Teams.Add(team);
            return team;
        }

        User AddUser(string name, string email, string zone)
        {
            var user = new User { Id = Ids.New(time), Name = name, Email = email, TimeZone = zone, CreatedAt = now };
            db.Users.Add(user);
            return user;
        }

        void Member(Team team, User user, TeamRole role) =>
            db.Memberships.Add(new Membership { TeamId = team.Id, UserId = user.Id, Role = role, CreatedAt = now });

        void AddService(Team team, string name, string description, string? runbook)
        {
            var service = new Service { Id = Ids.New(time), Name = name, TeamId = team.Id, Description = description, RunbookUrl = runbook, CreatedAt = now };
            db.Services.Add(service);
            db.IntegrationKeys.Add(new IntegrationKey { Id = Ids.New(time), ServiceId = service.Id, Name = "monitoring", Key = Secrets.NewIntegrationKey(), CreatedAt = now });
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Demo organization loaded")]
    private static partial void LogLoaded(ILogger logger);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "Demo not loaded: the database already has teams")]
    private static partial void LogSkipped(ILogger logger);
}
