using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;

namespace Steady.Server.Features.Teams;

/// <summary>Teams and their members' tables.</summary>
internal sealed class TeamsMapping : IEntityTypeConfiguration<Team>, IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Team> e) => e.ToTable("teams");

    public void Configure(EntityTypeBuilder<Membership> e)
    {
        e.ToTable("memberships");
        e.HasKey(m => new { m.TeamId, m.UserId });
        e.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
