using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steady.Server.Data;

/// <summary>The server's own key tables (not a feature's): the data protection key ring's, and the secrets' data keys.</summary>
internal sealed class DataProtectionKeysMapping : IEntityTypeConfiguration<DataProtectionKey>, IEntityTypeConfiguration<SecretKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> e) => e.ToTable("data_protection_keys");

    /// <summary>The data keys secrets are sealed with, wrapped by the master key (<see cref="SecretKeyring"/>).</summary>
    public void Configure(EntityTypeBuilder<SecretKey> e)
    {
        e.ToTable("secret_keys");
        e.HasKey(k => k.Id);
    }
}
