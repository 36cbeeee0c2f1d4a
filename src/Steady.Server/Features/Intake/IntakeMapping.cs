using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Alerts;

namespace Steady.Server.Features.Intake;

/// <summary>Heartbeats' table.</summary>
internal sealed class IntakeMapping : IEntityTypeConfiguration<Heartbeat>
{
    public void Configure(EntityTypeBuilder<Heartbeat> e)
    {
        e.ToTable("heartbeats");
        e.Property(h => h.Version).IsConcurrencyToken();
        e.Ignore(h => h.DedupKey);
    }
}
