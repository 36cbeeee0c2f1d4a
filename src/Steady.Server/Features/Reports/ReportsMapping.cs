using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.Reports;

namespace Steady.Server.Features.Reports;

/// <summary>Reports' one table: each team's holidays and compensation rates.</summary>
internal sealed class ReportsMapping : IEntityTypeConfiguration<TeamReportSettings>
{
    public void Configure(EntityTypeBuilder<TeamReportSettings> e)
    {
        e.ToTable("team_report_settings");
        e.HasKey(x => x.TeamId);
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Ignore(x => x.Rates);
    }
}
