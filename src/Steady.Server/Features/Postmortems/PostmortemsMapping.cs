using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;

namespace Steady.Server.Features.Postmortems;

/// <summary>Postmortems' tables: the postmortem (one per incident) and the action items.</summary>
internal sealed class PostmortemsMapping :
    IEntityTypeConfiguration<Postmortem>,
    IEntityTypeConfiguration<ActionItem>
{
    public void Configure(EntityTypeBuilder<Postmortem> e)
    {
        e.ToTable("postmortems");
        e.HasIndex(p => p.IncidentId).IsUnique();
        e.HasOne<Incident>().WithMany().HasForeignKey(p => p.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Restrict);
        e.Property(p => p.Status).HasConversion<string>();
        e.Property(p => p.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<ActionItem> e)
    {
        e.ToTable("action_items");
        e.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Postmortem>().WithMany().HasForeignKey(a => a.PostmortemId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
        e.Property(a => a.Type).HasConversion<string>();
        e.Property(a => a.Status).HasConversion<string>();
        e.Property(a => a.Version).IsConcurrencyToken();
    }
}
