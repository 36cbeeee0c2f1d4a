using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.Services;

namespace Steady.Server.Features.Incidents;

/// <summary>Incidents' tables: the incident, its services, alerts, roles, timeline, updates, actions, evidence, notices and channels.</summary>
internal sealed class IncidentsMapping :
    IEntityTypeConfiguration<Incident>,
    IEntityTypeConfiguration<IncidentService>,
    IEntityTypeConfiguration<IncidentAlert>,
    IEntityTypeConfiguration<IncidentRoleAssignment>,
    IEntityTypeConfiguration<TimelineEntry>,
    IEntityTypeConfiguration<IncidentUpdate>,
    IEntityTypeConfiguration<IncidentAction>,
    IEntityTypeConfiguration<IncidentEvidence>,
    IEntityTypeConfiguration<IncidentNotice>,
    IEntityTypeConfiguration<IncidentChannel>
{
    public void Configure(EntityTypeBuilder<Incident> e)
    {
        e.ToTable("incidents");
        e.HasIndex(i => i.Number).IsUnique();
        e.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Restrict);
        e.Property(i => i.Version).IsConcurrencyToken();
        e.Ignore(i => i.IsOpen);
    }

    public void Configure(EntityTypeBuilder<IncidentService> e)
    {
        e.ToTable("incident_services");
        e.HasKey(x => new { x.IncidentId, x.ServiceId });
        e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<IncidentAlert> e)
    {
        e.ToTable("incident_alerts");
        e.HasKey(x => new { x.IncidentId, x.AlertId });
        e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<IncidentRoleAssignment> e)
    {
        e.ToTable("incident_roles");
        e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<TimelineEntry> e) => OfIncident(e, "incident_timeline");

    public void Configure(EntityTypeBuilder<IncidentUpdate> e) => OfIncident(e, "incident_updates");

    public void Configure(EntityTypeBuilder<IncidentAction> e)
    {
        OfIncident(e, "incident_actions");
        e.Property(x => x.Verdict).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<IncidentEvidence> e) => OfIncident(e, "incident_evidence");

    public void Configure(EntityTypeBuilder<IncidentNotice> e) => OfIncident(e, "incident_notices");

    public void Configure(EntityTypeBuilder<IncidentChannel> e) => OfIncident(e, "incident_channels");

    /// <summary>A table of rows that belong to one incident.</summary>
    private static void OfIncident<T>(EntityTypeBuilder<T> e, string table)
        where T : class
    {
        e.ToTable(table);
        e.HasOne<Incident>().WithMany().HasForeignKey("IncidentId").OnDelete(DeleteBehavior.Restrict);
    }
}
