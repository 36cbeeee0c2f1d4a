using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;

namespace Steady.Server.Features.Users;

/// <summary>People's table (column names and the rest: <see cref="Data.SteadyDb"/>).</summary>
internal sealed class UsersMapping : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> e)
    {
        e.ToTable("users");
        e.HasIndex(u => u.Email).IsUnique();
    }
}
