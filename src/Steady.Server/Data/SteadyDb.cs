using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.Audit;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Services;
using Steady.Core.Paging;

namespace Steady.Server.Data;

/// <summary>
/// The one model over SQLite and PostgreSQL. Tables and columns are snake_case; the schema itself is
/// created by the versioned SQL migrations in Data/Migrations, not by EF.
/// </summary>
public sealed class SteadyDb(DbContextOptions<SteadyDb> options, AuditContext audit, TimeProvider time) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Service> Services => Set<Service>();

    public DbSet<IntegrationKey> IntegrationKeys => Set<IntegrationKey>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<AlertGroup> AlertGroups => Set<AlertGroup>();

    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();

    public DbSet<Silence> Silences => Set<Silence>();

    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();

    public DbSet<Heartbeat> Heartbeats => Set<Heartbeat>();

    public DbSet<Check> Checks => Set<Check>();

    public DbSet<Schedule> Schedules => Set<Schedule>();

    public DbSet<EscalationPolicyRecord> EscalationPolicies => Set<EscalationPolicyRecord>();

    public DbSet<ContactMethod> ContactMethods => Set<ContactMethod>();

    public DbSet<NotificationRule> NotificationRules => Set<NotificationRule>();

    public DbSet<ScheduleOverrideRow> ScheduleOverrides => Set<ScheduleOverrideRow>();

    public DbSet<CheckResult> CheckResults => Set<CheckResult>();

    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<IncidentService> IncidentServices => Set<IncidentService>();

    public DbSet<IncidentAlert> IncidentAlerts => Set<IncidentAlert>();

    public DbSet<IncidentRoleAssignment> IncidentRoles => Set<IncidentRoleAssignment>();

    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();

    public DbSet<IncidentUpdate> IncidentUpdates => Set<IncidentUpdate>();

    public DbSet<IncidentAction> IncidentActions => Set<IncidentAction>();

    public DbSet<IncidentEvidence> IncidentEvidence => Set<IncidentEvidence>();

    public DbSet<IncidentNotice> IncidentNotices => Set<IncidentNotice>();

    public DbSet<IncidentChannel> IncidentChannels => Set<IncidentChannel>();

    public DbSet<ChangeEvent> Changes => Set<ChangeEvent>();

    public DbSet<ServiceFreeze> ServiceFreezes => Set<ServiceFreeze>();

    public DbSet<EmergencyAgreement> EmergencyAgreements => Set<EmergencyAgreement>();

    public DbSet<EmergencySubmission> EmergencySubmissions => Set<EmergencySubmission>();

    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();

    public DbSet<HandoffNotice> HandoffNotices => Set<HandoffNotice>();

    public DbSet<EscalationRunRecord> EscalationRuns => Set<EscalationRunRecord>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<UsedLink> UsedLinks => Set<UsedLink>();

    public DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();

    public DbSet<RoundRobinPosition> RoundRobinPositions => Set<RoundRobinPosition>();

    /// <summary>The value of one label in a JSON labels column; translated per provider (json_extract / jsonb ->>).</summary>
    public static string? LabelValue(string labels, string path) => throw new InvalidOperationException("Only for use in queries.");

    /// <summary>The path argument <see cref="LabelValue"/> needs for this provider.</summary>
    public string LabelPath(string name) => IsSqlite ? "$.\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : name;

    public bool IsSqlite => Database.IsSqlite();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<TeamRole>().HaveConversion<string>();
        configurationBuilder.Properties<AlertStatus>().HaveConversion<string>();
        configurationBuilder.Properties<Severity>().HaveConversion<string>();
        configurationBuilder.Properties<CheckKind>().HaveConversion<string>();
        configurationBuilder.Properties<IncidentStatus>().HaveConversion<string>();
        configurationBuilder.Properties<IncidentRole>().HaveConversion<string>();
        configurationBuilder.Properties<UpdateVisibility>().HaveConversion<string>();
        configurationBuilder.Properties<CadenceStep>().HaveConversion<string>();
        if (Database.IsSqlite())
        {
            // SQLite has no instant type: store UTC microseconds since the epoch, so instants sort and compare in SQL
            // and keep PostgreSQL's precision on both databases.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMicrosecondsConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasIndex(u => u.Email).IsUnique();
        });
        modelBuilder.Entity<Team>().ToTable("teams");
        // Relationships are declared (without navigations) so EF orders inserts and deletes by them;
        // deletes never cascade: the commands remove dependents explicitly, so each removal is audited.
        modelBuilder.Entity<Membership>(e =>
        {
            e.ToTable("memberships");
            e.HasKey(m => new { m.TeamId, m.UserId });
            e.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Service>(e =>
        {
            e.ToTable("services");
            e.HasOne<EscalationPolicyRecord>().WithMany().HasForeignKey(s => s.EscalationPolicyId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IntegrationKey>(e =>
        {
            e.ToTable("integration_keys");
            e.HasIndex(k => k.Key).IsUnique();
            e.HasOne<Service>().WithMany().HasForeignKey(k => k.ServiceId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<AuditEntry>().ToTable("audit_log");
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        modelBuilder.Entity<AlertGroup>(e =>
        {
            e.ToTable("alert_groups");
            e.HasOne<Service>().WithMany().HasForeignKey(g => g.ServiceId).OnDelete(DeleteBehavior.Restrict);
            e.Property(g => g.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<Alert>(e =>
        {
            e.ToTable("alerts");
            e.HasOne<Service>().WithMany().HasForeignKey(a => a.ServiceId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<AlertGroup>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Restrict);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.Ignore(a => a.IsOpen);
            e.Ignore(a => a.IsSuppressed);
        });
        modelBuilder.Entity<AlertEvent>(e =>
        {
            e.ToTable("alert_events");
            e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Silence>().ToTable("silences");
        modelBuilder.Entity<MaintenanceWindow>().ToTable("maintenance_windows");
        modelBuilder.Entity<Heartbeat>(e =>
        {
            e.ToTable("heartbeats");
            e.Property(h => h.Version).IsConcurrencyToken();
            e.Ignore(h => h.DedupKey);
        });

        modelBuilder.Entity<Check>(e =>
        {
            e.ToTable("checks");
            e.HasOne<Service>().WithMany().HasForeignKey(c => c.ServiceId).OnDelete(DeleteBehavior.Restrict);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.Ignore(c => c.DedupKey);
        });
        modelBuilder.Entity<CheckResult>(e =>
        {
            e.ToTable("check_results");
            e.HasOne<Check>().WithMany().HasForeignKey(r => r.CheckId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ContactMethod>(e =>
        {
            e.ToTable("contact_methods");
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<NotificationRule>(e =>
        {
            e.ToTable("notification_rules");
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<ContactMethod>().WithMany().HasForeignKey(x => x.ContactMethodId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<EscalationPolicyRecord>(e =>
        {
            e.ToTable("escalation_policies");
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<Schedule>(e =>
        {
            e.ToTable("schedules");
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<ScheduleOverrideRow>(e =>
        {
            e.ToTable("schedule_overrides");
            e.HasOne<Schedule>().WithMany().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<CalendarFeed>().ToTable("calendar_feeds");
        modelBuilder.Entity<HandoffNotice>(e =>
        {
            e.ToTable("handoff_notices");
            e.HasOne<Schedule>().WithMany().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        });

        OnIncidentsCreating(modelBuilder);

        modelBuilder.Entity<EscalationRunRecord>(e =>
        {
            e.ToTable("escalation_runs");
            e.HasKey(x => x.Id);
            e.HasOne<AlertGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.HasOne<AlertGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<UsedLink>(e =>
        {
            e.ToTable("used_links");
            e.HasKey(x => x.Nonce);
        });
        modelBuilder.Entity<ServerSecret>(e =>
        {
            e.ToTable("server_secrets");
            e.HasKey(x => x.Name);
        });
        modelBuilder.Entity<RoundRobinPosition>(e =>
        {
            e.ToTable("round_robin_positions");
            e.HasKey(x => x.TeamId);
        });

        var labelValue = modelBuilder.HasDbFunction(typeof(SteadyDb).GetMethod(nameof(LabelValue))!);
        if (Database.IsSqlite())
        {
            labelValue.HasName("json_extract");
        }
        else
        {
            labelValue.HasTranslation(args => new Microsoft.EntityFrameworkCore.Query.SqlExpressions.SqlFunctionExpression(
                "jsonb_extract_path_text",
                [new Microsoft.EntityFrameworkCore.Query.SqlExpressions.SqlUnaryExpression(System.Linq.Expressions.ExpressionType.Convert, args[0], typeof(string), new Microsoft.EntityFrameworkCore.Storage.StringTypeMapping("jsonb", System.Data.DbType.String)), args[1]],
                nullable: true,
                argumentsPropagateNullability: [true, true],
                typeof(string),
                null));
        }

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.Name));
            foreach (var property in entity.GetProperties().Where(p => p.Name == "Id" && p.ClrType == typeof(Guid)))
                property.ValueGenerated = ValueGenerated.Never;
        }
    }

    private static void OnIncidentsCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Incident>(e =>
        {
            e.ToTable("incidents");
            e.HasIndex(i => i.Number).IsUnique();
            e.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.Ignore(i => i.IsOpen);
        });
        modelBuilder.Entity<IncidentService>(e =>
        {
            e.ToTable("incident_services");
            e.HasKey(x => new { x.IncidentId, x.ServiceId });
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentAlert>(e =>
        {
            e.ToTable("incident_alerts");
            e.HasKey(x => new { x.IncidentId, x.AlertId });
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentRoleAssignment>(e =>
        {
            e.ToTable("incident_roles");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<TimelineEntry>(e =>
        {
            e.ToTable("incident_timeline");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentUpdate>(e =>
        {
            e.ToTable("incident_updates");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentAction>(e =>
        {
            e.ToTable("incident_actions");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentEvidence>(e =>
        {
            e.ToTable("incident_evidence");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentNotice>(e =>
        {
            e.ToTable("incident_notices");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<IncidentChannel>(e =>
        {
            e.ToTable("incident_channels");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ChangeEvent>(e =>
        {
            e.ToTable("change_events");
            e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ServiceFreeze>(e =>
        {
            e.ToTable("service_freezes");
            e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<EmergencyAgreement>(e =>
        {
            e.ToTable("emergency_agreements");
            e.HasIndex(x => x.Key).IsUnique();
            e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<EscalationPolicyRecord>().WithMany().HasForeignKey(x => x.EscalationPolicyId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedById).OnDelete(DeleteBehavior.Restrict);
            e.Ignore(x => x.IsSuspended);
        });
        modelBuilder.Entity<EmergencySubmission>(e =>
        {
            e.ToTable("emergency_submissions");
            e.HasOne<EmergencyAgreement>().WithMany().HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        });
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        WriteAuditEntries();
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        WriteAuditEntries();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>Every change to an audited entity becomes an audit entry in the same transaction as the change.</summary>
    private void WriteAuditEntries()
    {
        var now = time.GetUtcNow();
        var entries = ChangeTracker.Entries()
            .Where(e => e.Entity is IAudited && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        foreach (var entry in entries)
        {
            var changes = DescribeChanges(entry);
            if (entry.State == EntityState.Modified && changes.Count == 0)
                continue;
            AuditEntries.Add(new AuditEntry
            {
                Id = Ids.New(time),
                At = now,
                ActorId = audit.ActorId,
                ActorName = audit.ActorName,
                Action = entry.State switch
                {
                    EntityState.Added => "created",
                    EntityState.Deleted => "deleted",
                    _ => "updated",
                },
                EntityType = SnakeCase(entry.Metadata.ClrType.Name),
                EntityId = string.Join("/", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString())),
                Changes = JsonSerializer.Serialize(changes),
            });
        }
    }

    private static Dictionary<string, object?[]> DescribeChanges(EntityEntry entry)
    {
        var changes = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        foreach (var property in entry.Properties)
        {
            var member = property.Metadata.PropertyInfo;
            if (member?.GetCustomAttribute<AuditIgnoreAttribute>() is not null || property.Metadata.Name == "PasswordHash")
            {
                if (entry.State == EntityState.Modified && property.IsModified && property.Metadata.Name == "PasswordHash")
                    changes["password"] = ["(changed)"];
                continue;
            }
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name);
            switch (entry.State)
            {
                case EntityState.Added:
                    changes[name] = [null, property.CurrentValue];
                    break;
                case EntityState.Deleted:
                    changes[name] = [property.OriginalValue, null];
                    break;
                case EntityState.Modified when property.IsModified && !Equals(property.OriginalValue, property.CurrentValue):
                    changes[name] = [property.OriginalValue, property.CurrentValue];
                    break;
            }
        }
        return changes;
    }

    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}

/// <summary>Who the audit log names for changes saved in this scope: the signed-in user, or the system.</summary>
public sealed class AuditContext
{
    public Guid? ActorId { get; private set; }

    public string ActorName { get; private set; } = "system";

    public void Set(Guid? actorId, string actorName)
    {
        ActorId = actorId;
        ActorName = actorName;
    }
}
