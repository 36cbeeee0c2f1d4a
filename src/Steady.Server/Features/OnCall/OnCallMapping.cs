using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steady.Core.Accounts;
using Steady.Core.OnCall;

namespace Steady.Server.Features.OnCall;

/// <summary>On-call's tables: contact methods, notification rules, policies, schedules, overrides, calendar feeds, handoff notices.</summary>
internal sealed class OnCallMapping :
    IEntityTypeConfiguration<ContactMethod>,
    IEntityTypeConfiguration<NotificationRule>,
    IEntityTypeConfiguration<EscalationPolicyRecord>,
    IEntityTypeConfiguration<Schedule>,
    IEntityTypeConfiguration<ScheduleOverrideRow>,
    IEntityTypeConfiguration<CalendarFeed>,
    IEntityTypeConfiguration<HandoffNotice>
{
    public void Configure(EntityTypeBuilder<ContactMethod> e)
    {
        e.ToTable("contact_methods");
        e.Property(x => x.Kind).HasConversion(kind => kind.ToWire(), text => ContactKinds.Parse(text));
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<NotificationRule> e)
    {
        e.ToTable("notification_rules");
        e.Property(x => x.Urgency).HasConversion(u => u.ToWire(), text => Urgencies.ParseRule(text) ?? RuleUrgency.Any);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<ContactMethod>().WithMany().HasForeignKey(x => x.ContactMethodId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<EscalationPolicyRecord> e)
    {
        e.ToTable("escalation_policies");
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<Schedule> e)
    {
        e.ToTable("schedules");
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<ScheduleOverrideRow> e)
    {
        e.ToTable("schedule_overrides");
        e.HasOne<Schedule>().WithMany().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<CalendarFeed> e) => e.ToTable("calendar_feeds");

    public void Configure(EntityTypeBuilder<HandoffNotice> e)
    {
        e.ToTable("handoff_notices");
        e.HasOne<Schedule>().WithMany().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
