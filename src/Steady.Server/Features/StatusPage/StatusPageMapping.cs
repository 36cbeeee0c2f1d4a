using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Incidents;
using Steady.Core.Services;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>Status pages' tables: pages, groups, components and their state history, public incidents and updates.</summary>
internal sealed class StatusPageMapping :
    IEntityTypeConfiguration<PublicStatusPage>,
    IEntityTypeConfiguration<StatusComponentGroup>,
    IEntityTypeConfiguration<StatusComponent>,
    IEntityTypeConfiguration<ComponentStateInterval>,
    IEntityTypeConfiguration<PublicIncident>,
    IEntityTypeConfiguration<PublicIncidentUpdate>,
    IEntityTypeConfiguration<PublicUpdateComponent>
{
    public void Configure(EntityTypeBuilder<PublicStatusPage> e)
    {
        e.ToTable("status_pages");
        e.HasIndex(p => p.Slug).IsUnique();
    }

    public void Configure(EntityTypeBuilder<StatusComponentGroup> e)
    {
        e.ToTable("status_component_groups");
        e.HasOne<PublicStatusPage>().WithMany().HasForeignKey(g => g.PageId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<StatusComponent> e)
    {
        e.ToTable("status_components");
        e.HasOne<PublicStatusPage>().WithMany().HasForeignKey(c => c.PageId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<StatusComponentGroup>().WithMany().HasForeignKey(c => c.GroupId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Service>().WithMany().HasForeignKey(c => c.ServiceId).OnDelete(DeleteBehavior.Restrict);
        e.Property(c => c.State).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<ComponentStateInterval> e)
    {
        e.ToTable("status_component_intervals");
        e.HasOne<StatusComponent>().WithMany().HasForeignKey(i => i.ComponentId).OnDelete(DeleteBehavior.Restrict);
        e.Property(i => i.State).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<PublicIncident> e)
    {
        e.ToTable("status_incidents");
        e.HasOne<PublicStatusPage>().WithMany().HasForeignKey(i => i.PageId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Incident>().WithMany().HasForeignKey(i => i.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.Property(i => i.Status).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<PublicIncidentUpdate> e)
    {
        e.ToTable("status_incident_updates");
        e.HasOne<PublicIncident>().WithMany().HasForeignKey(u => u.PublicIncidentId).OnDelete(DeleteBehavior.Restrict);
        e.Property(u => u.Status).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<PublicUpdateComponent> e)
    {
        e.ToTable("status_update_components");
        e.HasKey(x => new { x.UpdateId, x.ComponentId });
        e.HasOne<PublicIncidentUpdate>().WithMany().HasForeignKey(x => x.UpdateId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<StatusComponent>().WithMany().HasForeignKey(x => x.ComponentId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.OldState).HasConversion<string>();
        e.Property(x => x.NewState).HasConversion<string>();
    }
}
