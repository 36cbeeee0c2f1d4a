using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Alerts;
using Steady.Core.Services;

namespace Steady.Server.Features.Alerts;

/// <summary>Alerts, their groups and history, silences and maintenance windows' tables.</summary>
internal sealed class AlertsMapping :
    IEntityTypeConfiguration<AlertGroup>,
    IEntityTypeConfiguration<Alert>,
    IEntityTypeConfiguration<AlertEvent>,
    IEntityTypeConfiguration<Silence>,
    IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<AlertGroup> e)
    {
        e.ToTable("alert_groups");
        e.HasOne<Service>().WithMany().HasForeignKey(g => g.ServiceId).OnDelete(DeleteBehavior.Restrict);
        e.Property(g => g.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<Alert> e)
    {
        e.ToTable("alerts");
        e.HasOne<Service>().WithMany().HasForeignKey(a => a.ServiceId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<AlertGroup>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Restrict);
        e.Property(a => a.Version).IsConcurrencyToken();
        e.Ignore(a => a.IsOpen);
        e.Ignore(a => a.IsSuppressed);
    }

    public void Configure(EntityTypeBuilder<AlertEvent> e)
    {
        e.ToTable("alert_events");
        e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Silence> e) => e.ToTable("silences");

    public void Configure(EntityTypeBuilder<MaintenanceWindow> e) => e.ToTable("maintenance_windows");
}
