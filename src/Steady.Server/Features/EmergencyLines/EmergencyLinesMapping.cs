using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Services;

namespace Steady.Server.Features.EmergencyLines;

/// <summary>Emergency lines' tables: agreements and the submissions made on them.</summary>
internal sealed class EmergencyLinesMapping : IEntityTypeConfiguration<EmergencyAgreement>, IEntityTypeConfiguration<EmergencySubmission>
{
    public void Configure(EntityTypeBuilder<EmergencyAgreement> e)
    {
        e.ToTable("emergency_agreements");
        e.HasIndex(x => x.Key).IsUnique();
        e.HasOne<Service>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<EscalationPolicyRecord>().WithMany().HasForeignKey(x => x.EscalationPolicyId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedById).OnDelete(DeleteBehavior.Restrict);
        e.Ignore(x => x.IsSuspended);
    }

    public void Configure(EntityTypeBuilder<EmergencySubmission> e)
    {
        e.ToTable("emergency_submissions");
        e.HasOne<EmergencyAgreement>().WithMany().HasForeignKey(x => x.AgreementId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
    }
}
