using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Incidents;
using Steady.Core.Services;

namespace Steady.Server.Features.Changes;

/// <summary>Changes' and manual freezes' tables.</summary>
internal sealed class ChangesMapping : IEntityTypeConfiguration<ChangeEvent>, IEntityTypeConfiguration<ServiceFreeze>
{
    public void Configure(EntityTypeBuilder<ChangeEvent> e)
    {
        e.ToTable("change_events");
        e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ServiceFreeze> e)
    {
        e.ToTable("service_freezes");
        e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
    }
}
