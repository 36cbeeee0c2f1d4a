using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// Paging's tables: escalation runs, deliveries (the outbox), used ack links, the link-signing key, round-robin positions.
/// A run's and a delivery's state are stored as their text (<see cref="RunStates.ToWire"/>, <see cref="DeliveryStates.ToWire"/>),
/// the same text the claim's SQL (<see cref="ClaimedTable.Deliveries"/>) and the migrations' partial indexes name.
/// </summary>
internal sealed class PagingMapping :
    IEntityTypeConfiguration<EscalationRunRecord>,
    IEntityTypeConfiguration<Delivery>,
    IEntityTypeConfiguration<UsedLink>,
    IEntityTypeConfiguration<ServerSecret>,
    IEntityTypeConfiguration<RoundRobinPosition>
{
    public void Configure(EntityTypeBuilder<EscalationRunRecord> e)
    {
        e.ToTable("escalation_runs");
        e.HasKey(x => x.Id);
        e.HasOne<AlertGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Property(x => x.State).HasConversion(s => s.ToWire(), s => RunStates.Parse(s));
        e.Property(x => x.Urgency).HasConversion(u => u.ToWire(), text => Urgencies.Parse(text));
    }

    public void Configure(EntityTypeBuilder<Delivery> e)
    {
        e.ToTable("deliveries");
        e.HasOne<AlertGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.State).HasConversion(s => s.ToWire(), s => DeliveryStates.Parse(s));
        e.Property(x => x.Urgency).HasConversion(u => u.ToWire(), text => Urgencies.Parse(text));
    }

    public void Configure(EntityTypeBuilder<UsedLink> e)
    {
        e.ToTable("used_links");
        e.HasKey(x => x.Nonce);
    }

    public void Configure(EntityTypeBuilder<ServerSecret> e)
    {
        e.ToTable("server_secrets");
        e.HasKey(x => x.Name);
    }

    public void Configure(EntityTypeBuilder<RoundRobinPosition> e)
    {
        e.ToTable("round_robin_positions");
        e.HasKey(x => x.TeamId);
    }
}
