using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Core.Services;

namespace Steady.Server.Features.Services;

/// <summary>Services and their integration keys' tables.</summary>
internal sealed class ServicesMapping : IEntityTypeConfiguration<Service>, IEntityTypeConfiguration<IntegrationKey>
{
    public void Configure(EntityTypeBuilder<Service> e)
    {
        e.ToTable("services");
        e.HasOne<EscalationPolicyRecord>().WithMany().HasForeignKey(s => s.EscalationPolicyId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<IntegrationKey> e)
    {
        e.ToTable("integration_keys");
        e.HasIndex(k => k.Key).IsUnique();
        e.HasOne<Service>().WithMany().HasForeignKey(k => k.ServiceId).OnDelete(DeleteBehavior.Restrict);
    }
}
