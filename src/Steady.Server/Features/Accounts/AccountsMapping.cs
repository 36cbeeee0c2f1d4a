using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;

namespace Steady.Server.Features.Accounts;

/// <summary>Sign-in's own tables: throttles and console sessions.</summary>
internal sealed class AccountsMapping : IEntityTypeConfiguration<SignInThrottle>, IEntityTypeConfiguration<ConsoleSession>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> e)
    {
        e.ToTable("sign_in_throttles");
        e.HasKey(t => t.Subject);
    }

    public void Configure(EntityTypeBuilder<ConsoleSession> e)
    {
        e.ToTable("sessions");
        e.HasIndex(s => s.KeyHash).IsUnique();
        e.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
