using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;

namespace Steady.Server.Features.Setup;

/// <summary>
/// --demo: a small organization so a new user sees a living system. Loaded once, on a database
/// that has no teams yet; later features add their part of the story here (a past incident with its
/// postmortem: <see cref="Postmortems.PostmortemDemo"/>).
/// </summary>
public sealed partial class Demo(SteadyDb db, TimeProvider time, AuditContext audit, Alerts.AlertStore alerts, Reports.DemoHistory history, ILogger<Demo> logger)
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
        AddOnCall(payments, [alice, bob, carol], dave, now);
        // A past incident with a published postmortem and action items still followed up.
        var checkout = db.ChangeTracker.Entries<Service>().Select(e => e.Entity).First(s => s.Name == "checkout-web");
        Postmortems.PostmortemDemo.Add(db, time, now, payments.Id, checkout.Id, alice, bob, carol);
        await db.SaveChangesAsync(cancellationToken);
        await history.LoadAsync(cancellationToken); // weeks of past pages and incidents, for the reports
        await LoadAlertsAsync(cancellationToken);
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
            // Pages reach each demo person by email at once (sent when Steady:Smtp is set up; otherwise the alert shows why not).
            var mail = new Core.OnCall.ContactMethod { Id = Ids.New(time), UserId = user.Id, Kind = Core.OnCall.ContactKind.Email, Label = "work email", Address = email, CreatedAt = now };
            db.ContactMethods.Add(mail);
            db.NotificationRules.Add(new Core.OnCall.NotificationRule { Id = Ids.New(time), UserId = user.Id, ContactMethodId = mail.Id, DelayMinutes = 0, Urgency = Core.OnCall.RuleUrgency.Any, CreatedAt = now });
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

    /// <summary>The payments escalation chain: a primary and a secondary weekly rotation, then the engineering manager.</summary>
    private void AddOnCall(Team payments, User[] engineers, User manager, DateTimeOffset now)
    {
        var monday = NodaTime.LocalDate.FromDateTime(now.UtcDateTime).Previous(NodaTime.IsoDayOfWeek.Monday);
        Core.OnCall.Schedule Rota(string name, IReadOnlyList<Guid> people) => new()
        {
            Id = Ids.New(time),
            Name = name,
            TeamId = payments.Id,
            TimeZone = "Europe/Berlin",
            Description = "Weekly, handing over on Mondays at 09:00 Berlin time.",
            Layers = Core.OnCall.Layers.Write([new Core.OnCall.LayerDefinition("weekly", people, monday.ToString("uuuu-MM-dd", null) + "T09:00", "weekly")]),
            CreatedAt = now,
        };
        var primary = Rota("primary_engineer", engineers.Select(u => u.Id).ToList());
        var secondary = Rota("secondary_engineer", engineers.Skip(1).Concat(engineers.Take(1)).Select(u => u.Id).ToList());
        db.Schedules.AddRange(primary, secondary);
        var policy = new Core.OnCall.EscalationPolicyRecord
        {
            Id = Ids.New(time),
            Name = "payments-oncall",
            TeamId = payments.Id,
            Description = "Payments on-call: the primary engineer, then the secondary after 5 minutes, then Dave (engineering manager) after 10.",
            Steps = Core.OnCall.EscalationPolicyRecord.WriteSteps(
            [
                new([new(Core.OnCall.TargetKind.Schedule, primary.Id)], 300),
                new([new(Core.OnCall.TargetKind.Schedule, secondary.Id)], 300),
                new([new(Core.OnCall.TargetKind.User, manager.Id)], 300),
            ]),
            CreatedAt = now,
        };
        db.EscalationPolicies.Add(policy);
        foreach (var service in db.ChangeTracker.Entries<Service>().Select(e => e.Entity).Where(s => s.TeamId == payments.Id))
            service.EscalationPolicyId = policy.Id;
    }

    /// <summary>A few alerts in the states people meet: one firing, one acknowledged, a storm grouped, one resolved.</summary>
    private async Task LoadAlertsAsync(CancellationToken cancellationToken)
    {
        var services = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Name, s => s.Id, cancellationToken);
        // As Alertmanager sends them: grouped by alertname (its groupKey), which is how Steady groups them by default.
        static Core.Alerts.IncomingAlert Alert(string key, string summary, Core.Alerts.Severity severity, Dictionary<string, string> labels, Core.Alerts.IntakeAction action = Core.Alerts.IntakeAction.Trigger) =>
            new(action, key, summary, severity, labels.GetValueOrDefault("instance"), labels, null, [], null, "alertmanager")
            {
                SenderGroup = labels.TryGetValue("alertname", out var name) ? Core.Alerts.Grouping.SenderGroup($"{{}}:{{alertname=\"{name}\"}}") : null,
            };
        var events = new List<Alerts.ServiceEvent>
        {
            new(services["payments-api"], Alert("demo-latency", "p99 latency above 2 s on payments-api", Core.Alerts.Severity.Critical,
                new() { ["alertname"] = "HighLatency", ["instance"] = "payments-1:8080", ["env"] = "prod" })),
            new(services["postgres-primary"], Alert("demo-disk", "/var/lib/postgresql is 91% full on db1", Core.Alerts.Severity.Warning,
                new() { ["alertname"] = "DiskFilling", ["instance"] = "db1:9100", ["env"] = "prod" })),
            new(services["checkout-web"], Alert("demo-cert", "TLS certificate expires in 6 days", Core.Alerts.Severity.Info,
                new() { ["alertname"] = "CertExpiry", ["instance"] = "checkout.example.com", ["env"] = "prod" })),
            new(services["checkout-web"], Alert("demo-cert", "", Core.Alerts.Severity.Info, [], Core.Alerts.IntakeAction.Resolve)),
        };
        for (var i = 1; i <= 12; i++)
        {
            events.Add(new(services["edge-proxy"], Alert($"demo-edge-{i}", $"edge-{i}: upstream connect errors", Core.Alerts.Severity.Error,
                new() { ["alertname"] = "UpstreamErrors", ["instance"] = $"edge-{i}:9100", ["env"] = "prod" })));
        }
        await alerts.ApplyAsync(events, cancellationToken);
        // Dave acknowledges the disk alert the way anyone does: the one acknowledgement, which stops its group's paging.
        var disk = await db.Alerts.FirstAsync(a => a.DedupKey == "demo-disk", cancellationToken);
        var dave = await db.Users.AsNoTracking().FirstAsync(u => u.Email == "dave@example.com", cancellationToken);
        var now = time.GetUtcNow();
        var runs = new Paging.RunChanges();
        Alerts.AlertActions.Acknowledge(db, alerts, disk, dave.Id, dave.Name, now, runs);
        await runs.ApplyAsync(db, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Demo organization loaded")]
    private static partial void LogLoaded(ILogger logger);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "Demo not loaded: the database already has teams")]
    private static partial void LogSkipped(ILogger logger);
}
