using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Audit;

namespace Steady.Server.Features.Audit;

/// <summary>The audit log's table (its entries are written by <see cref="Data.AuditWriter"/>).</summary>
internal sealed class AuditMapping : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e) => e.ToTable("audit_log");
}
