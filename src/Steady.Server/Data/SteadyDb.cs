using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
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
/// created by the versioned SQL migrations in Data/Migrations, not by EF. Each feature maps its own
/// tables in an <see cref="IEntityTypeConfiguration{TEntity}"/> next to its code (Features/*/…Mapping.cs),
/// found here by assembly scan, so Data names no feature. Relationships are declared there (without
/// navigations) so EF orders inserts and deletes by them; deletes never cascade: the commands remove
/// dependents explicitly, so each removal is audited (<see cref="AuditWriter"/>).
/// </summary>
public sealed class SteadyDb(DbContextOptions<SteadyDb> options, AuditContext audit, TimeProvider time, SecretKeyring keyring) : DbContext(options)
{
    /// <summary>Seals the secrets this context saves and opens those it reads (<see cref="SecretColumns"/>).</summary>
    internal SecretKeyring Keyring => keyring;

    public DbSet<User> Users => Set<User>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Service> Services => Set<Service>();

    public DbSet<IntegrationKey> IntegrationKeys => Set<IntegrationKey>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SecretKey> SecretKeys => Set<SecretKey>();

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

    /// <summary>The value of one label in a JSON labels column: SQLite's json_extract, PostgreSQL's steady_label_value (migration 0028).</summary>
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
        // Each feature maps its own tables next to its code (Features/*/…Mapping.cs); Data names none of them.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SteadyDb).Assembly);

        // json_extract on SQLite; on PostgreSQL the function its migration 0028 makes (a compiled model holds no translations).
        modelBuilder.HasDbFunction(typeof(SteadyDb).GetMethod(nameof(LabelValue))!).HasName(Database.IsSqlite() ? "json_extract" : "steady_label_value");

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.Name));
            foreach (var property in entity.GetProperties().Where(p => p.Name == "Id" && p.ClrType == typeof(Guid)))
                property.ValueGenerated = ValueGenerated.Never;
        }
    }

    /// <summary>Adds an audit entry for an event that changes no audited record (sign-ins, sign-outs, lockouts); saved with the next SaveChanges.</summary>
    public void AuditEvent(string action, string entityType, string entityId, Guid? actorId, string actorName, IReadOnlyDictionary<string, string?> details) =>
        AuditWriter.Event(this, time, action, entityType, entityId, actorId, actorName, details);

    /// <summary>
    /// Adds an audit entry for something a person did that is no record's change of its own (acknowledging an
    /// alert, asking a check to run, a note on a timeline), naming whoever this scope's changes are audited as;
    /// saved with the next SaveChanges, so in the same transaction as what it records.
    /// </summary>
    public void AuditEvent(string action, string entityType, Guid entityId, IReadOnlyDictionary<string, string?> details) =>
        AuditWriter.Event(this, time, action, entityType, entityId.ToString(), audit.ActorId, audit.ActorName, details);

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditWriter.Write(this, audit, time);
        var sealedValues = SecretColumns.Seal(ChangeTracker, keyring);
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            SecretColumns.Restore(sealedValues);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AuditWriter.Write(this, audit, time);
        var sealedValues = SecretColumns.Seal(ChangeTracker, keyring);
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            SecretColumns.Restore(sealedValues);
        }
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
