using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steady.Server.Data;

/// <summary>The data protection key ring's table (the server's own, not a feature's).</summary>
internal sealed class DataProtectionKeysMapping : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> e) => e.ToTable("data_protection_keys");
}
