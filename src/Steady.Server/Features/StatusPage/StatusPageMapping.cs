using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.Services;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>Status pages' tables: pages, groups, components and their state history, public incidents and updates, scheduled maintenance, subscribers and their outbox.</summary>
internal sealed class StatusPageMapping :
    IEntityTypeConfiguration<PublicStatusPage>,
    IEntityTypeConfiguration<StatusComponentGroup>,
    IEntityTypeConfiguration<StatusComponent>,
    IEntityTypeConfiguration<ComponentStateInterval>,
    IEntityTypeConfiguration<PublicIncident>,
    IEntityTypeConfiguration<PublicIncidentUpdate>,
    IEntityTypeConfiguration<PublicUpdateComponent>,
    IEntityTypeConfiguration<StatusMaintenance>,
    IEntityTypeConfiguration<StatusMaintenanceComponent>,
    IEntityTypeConfiguration<StatusMaintenanceUpdate>,
    IEntityTypeConfiguration<StatusMaintenanceWindow>,
    IEntityTypeConfiguration<StatusSubscriber>,
    IEntityTypeConfiguration<StatusBroadcast>,
    IEntityTypeConfiguration<StatusNotice>
{
    public void Configure(EntityTypeBuilder<PublicStatusPage> e)
    {
        e.ToTable("status_pages");
        e.HasIndex(p => p.Slug).IsUnique();
        e.HasIndex(p => p.HostName).IsUnique();
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

    public void Configure(EntityTypeBuilder<StatusMaintenance> e)
    {
        e.ToTable("status_maintenances");
        e.HasOne<PublicStatusPage>().WithMany().HasForeignKey(m => m.PageId).OnDelete(DeleteBehavior.Restrict);
        e.Property(m => m.Status).HasConversion<string>();
        e.Property(m => m.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<StatusMaintenanceComponent> e)
    {
        e.ToTable("status_maintenance_components");
        e.HasKey(x => new { x.MaintenanceId, x.ComponentId });
        e.HasOne<StatusMaintenance>().WithMany().HasForeignKey(x => x.MaintenanceId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<StatusComponent>().WithMany().HasForeignKey(x => x.ComponentId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<StatusMaintenanceUpdate> e)
    {
        e.ToTable("status_maintenance_updates");
        e.HasOne<StatusMaintenance>().WithMany().HasForeignKey(u => u.MaintenanceId).OnDelete(DeleteBehavior.Restrict);
        e.Property(u => u.Status).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<StatusMaintenanceWindow> e)
    {
        e.ToTable("status_maintenance_windows");
        e.HasKey(x => new { x.MaintenanceId, x.WindowId });
        e.HasOne<StatusMaintenance>().WithMany().HasForeignKey(x => x.MaintenanceId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<MaintenanceWindow>().WithMany().HasForeignKey(x => x.WindowId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<StatusSubscriber> e)
    {
        e.ToTable("status_subscribers");
        e.HasOne<PublicStatusPage>().WithMany().HasForeignKey(x => x.PageId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.PageId, x.Kind, x.AddressKey }).IsUnique();
        e.Property(x => x.Kind).HasConversion<string>();
        e.Property(x => x.State).HasConversion<string>();
    }

    public void Configure(EntityTypeBuilder<StatusBroadcast> e)
    {
        e.ToTable("status_broadcasts");
        e.HasOne<PublicStatusPage>().WithMany().HasForeignKey(x => x.PageId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.PageId, x.Key }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<StatusNotice> e)
    {
        e.ToTable("status_notices");
        e.HasOne<StatusSubscriber>().WithMany().HasForeignKey(x => x.SubscriberId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<StatusBroadcast>().WithMany().HasForeignKey(x => x.BroadcastId).OnDelete(DeleteBehavior.Restrict);
    }
}
