using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Alerts;
using Steady.Core.Services;

namespace Steady.Server.Features.Checks;

/// <summary>Checks and their results' tables.</summary>
internal sealed class ChecksMapping : IEntityTypeConfiguration<Check>, IEntityTypeConfiguration<CheckResult>
{
    public void Configure(EntityTypeBuilder<Check> e)
    {
        e.ToTable("checks");
        e.HasOne<Service>().WithMany().HasForeignKey(c => c.ServiceId).OnDelete(DeleteBehavior.Restrict);
        e.Property(c => c.Version).IsConcurrencyToken();
        e.Ignore(c => c.DedupKey);
    }

    public void Configure(EntityTypeBuilder<CheckResult> e)
    {
        e.ToTable("check_results");
        e.HasOne<Check>().WithMany().HasForeignKey(r => r.CheckId).OnDelete(DeleteBehavior.Restrict);
    }
}
