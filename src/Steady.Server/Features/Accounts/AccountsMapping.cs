using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steady.Server.Features.Accounts;

/// <summary>Sign-in's own tables.</summary>
internal sealed class AccountsMapping : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> e)
    {
        e.ToTable("sign_in_throttles");
        e.HasKey(t => t.Subject);
    }
}
