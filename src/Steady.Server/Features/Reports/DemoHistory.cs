using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Paging;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>
/// Six weeks of the demo organization's past, so its reports show something real: alerts on every service
/// (latency alerts people acknowledge, restarts that resolve themselves within minutes, a flapping disk alert,
/// edge errors), the pages the Payments policy sent for them to whoever the final schedules had on call then
/// (escalating to the secondary and the manager when nobody acknowledged in 5 minutes), and four past
/// incidents. Everything is finished — resolved alerts, resolved runs, sent deliveries — so no worker touches
/// it. The same every time (a fixed seed), relative to the moment the demo loads.
/// </summary>
public sealed class DemoHistory(SteadyDb db, TimeProvider time)
{
    public const int Days = 42;

    private static readonly Duration StepWait = Duration.FromMinutes(5);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var services = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Name, cancellationToken);
        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Email, cancellationToken);
        var methods = await db.ContactMethods.AsNoTracking().ToListAsync(cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Name, cancellationToken);
        var policy = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Name == "payments-oncall", cancellationToken);
        if (policy is null || !schedules.ContainsKey("primary_engineer") || !schedules.ContainsKey("secondary_engineer"))
            return;
        var primary = Layers.ToRota(schedules["primary_engineer"], []);
        var secondary = Layers.ToRota(schedules["secondary_engineer"], []);
        var manager = users["dave@example.com"];
        var history = new Writer(db, time, methods, users.Values.ToDictionary(u => u.Id, u => u.Name), policy.Id);
        var random = new Random(20261124);
        var start = now - Duration.FromDays(Days);

        for (var day = 0; day < Days; day++)
        {
            var midnight = start + Duration.FromDays(day);
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                var at = midnight + Duration.FromMinutes(random.Next(0, 24 * 60));
                if (at > now - Duration.FromHours(2))
                    continue;
                var roll = random.NextDouble();
                if (roll < 0.45)
                {
                    // A real problem: someone acknowledges it (sometimes late, so it escalates) and resolves it.
                    var ack = Duration.FromMinutes(random.Next(1, 13));
                    history.Paged(services["payments-api"], "HighLatency", "p99 latency above 2 s on payments-api", Severity.Critical, $"payments-{random.Next(1, 5)}:8080", at,
                        ack, Duration.FromMinutes(random.Next(20, 95)), bySource: false, primary, secondary, manager.Id);
                }
                else if (roll < 0.8)
                {
                    // The noise: a pod restarts, pages, and is fine again before anyone looks.
                    var service = random.NextDouble() < 0.7 ? services["payments-api"] : services["checkout-web"];
                    history.Paged(service, "PodRestarting", $"pod restarting on {service.Name}", Severity.Error, $"{service.Name}-{random.Next(1, 9)}", at,
                        null, Duration.FromSeconds(random.Next(50, 240)), bySource: true, primary, secondary, manager.Id);
                }
                else
                {
                    var ack = Duration.FromMinutes(random.Next(2, 8));
                    history.Paged(services["checkout-web"], "CheckoutErrors", "5xx rate above 2% on checkout", Severity.Error, "checkout.example.com", at,
                        ack, Duration.FromMinutes(random.Next(10, 45)), bySource: true, primary, secondary, manager.Id);
                }
            }
            // The Platform team's services have no escalation policy in the demo: their alerts page nobody.
            if (day % 3 == 0)
                history.Flapping(services["postgres-primary"], "DiskFilling", "/var/lib/postgresql is filling on db1", "db1:9100", midnight + Duration.FromHours(random.Next(0, 20)), random);
            if (random.NextDouble() < 0.6)
                history.Unpaged(services["edge-proxy"], "UpstreamErrors", "edge: upstream connect errors", $"edge-{random.Next(1, 13)}:9100", midnight + Duration.FromMinutes(random.Next(0, 1440)), Duration.FromSeconds(random.Next(40, 200)), now);
        }

        var alice = users["alice@example.com"];
        var erin = users["erin@example.com"];
        history.Incident(2, "Card payments declined for some customers", "SEV2", services["payments-api"], alice, now - Duration.FromDays(33) + Duration.FromHours(14),
            Duration.FromMinutes(4), Duration.FromMinutes(9), Duration.FromMinutes(38), Duration.FromMinutes(95), closed: false);
        history.Incident(3, "Checkout pages slow in the evening peak", "SEV3", services["checkout-web"], users["bob@example.com"], now - Duration.FromDays(24) + Duration.FromHours(19),
            Duration.FromMinutes(7), Duration.FromMinutes(15), Duration.FromMinutes(70), Duration.FromMinutes(160), closed: true);
        history.Incident(4, "Replication lag on the primary database", "SEV3", services["postgres-primary"], erin, now - Duration.FromDays(16) + Duration.FromHours(3),
            Duration.FromMinutes(12), Duration.FromMinutes(20), Duration.FromMinutes(55), Duration.FromMinutes(130), closed: true);
        history.Incident(5, "Payments API errors after a deploy", "SEV3", services["payments-api"], alice, now - Duration.FromDays(6) + Duration.FromHours(10),
            Duration.FromMinutes(3), Duration.FromMinutes(5), Duration.FromMinutes(18), Duration.FromMinutes(41), closed: true);
        // Payments pays for on-call, and takes the year-end days off.
        var year = now.InUtc().Year;
        db.Add(new Core.Reports.TeamReportSettings
        {
            TeamId = services["payments-api"].TeamId, Currency = "EUR", OnCallHour = 3m, OffHourInterruption = 15m, SleepHourInterruption = 30m, WeekendMultiplier = 1.5m, HolidayMultiplier = 2m,
            Holidays = Core.Reports.TeamReportSettings.WriteHolidays([
                new(new LocalDate(year, 1, 1), "New Year's Day"), new(new LocalDate(year, 12, 25), "Christmas Day"), new(new LocalDate(year, 12, 26), "Boxing Day"),
                new(new LocalDate(year + 1, 1, 1), "New Year's Day")]),
            UpdatedAt = now.ToDateTimeOffset(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds the rows of each finished story to the unit of work.</summary>
    private sealed class Writer(SteadyDb db, TimeProvider time, IReadOnlyList<ContactMethod> methods, IReadOnlyDictionary<Guid, string> names, Guid policyId)
    {
        public void Paged(Core.Services.Service service, string name, string summary, Severity severity, string instance, Instant at,
            Duration? ackAfter, Duration resolveAfter, bool bySource, Rota primary, Rota secondary, Guid manager)
        {
            var (group, alert) = Alert(service, name, summary, severity, instance, at, resolveAfter);
            // Step 1 pages the primary at once; nobody acknowledged in 5 minutes: step 2 the secondary; 5 more: the manager.
            var steps = new List<(int Step, Guid? User, Instant At)> { (0, ScheduleCalculator.OnCallAt(primary, at), at + Duration.FromSeconds(4)) };
            var quiet = ackAfter ?? resolveAfter;
            if (quiet > StepWait)
                steps.Add((1, ScheduleCalculator.OnCallAt(secondary, at + StepWait), at + StepWait + Duration.FromSeconds(3)));
            if (quiet > StepWait * 2)
                steps.Add((2, manager, at + StepWait * 2 + Duration.FromSeconds(3)));
            foreach (var (step, user, sentAt) in steps)
            {
                if (user is not { } userId)
                    continue;
                var method = methods.First(m => m.UserId == userId);
                var id = Ids.New(time);
                db.Deliveries.Add(new Delivery
                {
                    Id = id, RunId = group.Id, GroupId = group.Id, ServiceId = service.Id, UserId = userId, ContactMethodId = method.Id, Channel = "email", Target = method.Label,
                    Step = step, Pass = 0, Urgency = Core.OnCall.Urgency.High, State = DeliveryState.Sent, Attempts = 1, DueAt = (sentAt - Duration.FromSeconds(1)).ToDateTimeOffset(),
                    CreatedAt = at.ToDateTimeOffset(), LastAttemptAt = sentAt.ToDateTimeOffset(), SentAt = sentAt.ToDateTimeOffset(), IdempotencyKey = "demo-" + id.ToString("N"),
                    SentAs = id, Reason = step == 0 ? "step 1: at once" : $"step {step + 1}: after {5 * step} min", Kind = DeliveryKinds.Page,
                });
            }
            // The last person paged before the acknowledgement is the one who gave it.
            if (ackAfter is { } ack && steps.Where(s => s.At <= at + ack && s.User is not null).Select(s => s.User).LastOrDefault() is { } acker)
                db.AlertEvents.Add(alert.Acknowledge(Ids.New(time), (at + ack).ToDateTimeOffset(), acker, names[acker]));
            var resolvedBy = bySource ? (Id: (Guid?)null, Name: "alertmanager") : (Id: alert.AcknowledgedById, Name: alert.AcknowledgedBy ?? "someone");
            db.AlertEvents.Add(alert.Resolve(group, Ids.New(time), (at + resolveAfter).ToDateTimeOffset(), resolvedBy.Id, resolvedBy.Name));
            db.EscalationRuns.Add(new EscalationRunRecord
            {
                Id = group.Id, GroupId = group.Id, ServiceId = service.Id, PolicyId = policyId, State = RunState.Resolved, Urgency = Core.OnCall.Urgency.High,
                Step = steps.Max(s => s.Step), Pass = 0, StartedAt = at.ToDateTimeOffset(), UpdatedAt = (at + resolveAfter).ToDateTimeOffset(),
                LastStepAt = steps.Max(s => s.At).ToDateTimeOffset(), Note = "resolved",
            });
        }

        public void Unpaged(Core.Services.Service service, string name, string summary, string instance, Instant at, Duration resolveAfter, Instant now)
        {
            if (at + resolveAfter > now)
                return;
            var (group, alert) = Alert(service, name, summary, Severity.Error, instance, at, resolveAfter);
            db.AlertEvents.Add(alert.Resolve(group, Ids.New(time), (at + resolveAfter).ToDateTimeOffset(), null, "alertmanager"));
        }

        /// <summary>A disk alert that fires and clears six times in a quarter of an hour: one flapping episode.</summary>
        public void Flapping(Core.Services.Service service, string name, string summary, string instance, Instant at, Random random)
        {
            Alert? previous = null;
            for (var i = 0; i < 6; i++)
            {
                var (group, alert) = Alert(service, name, summary, Severity.Warning, instance, at + Duration.FromMinutes(2.5 * i), Duration.FromSeconds(random.Next(40, 80)), previous, i + 1);
                alert.Flapping = i >= 2;
                if (i == 2)
                    db.AlertEvents.Add(alert.Event(Ids.New(time), AlertEventKinds.Flapping, (at + Duration.FromMinutes(5)).ToDateTimeOffset(), null, "steady", "6 state changes in 15 minutes; notifications held until it settles"));
                db.AlertEvents.Add(alert.Resolve(group, Ids.New(time), alert.LastSeenAt, null, "alertmanager"));
                previous = alert;
            }
        }

        public void Incident(int number, string title, string severity, Core.Services.Service service, Core.Accounts.User commander, Instant started,
            Duration declaredAfter, Duration ackAfter, Duration mitigatedAfter, Duration resolvedAfter, bool closed)
        {
            var declared = started + declaredAfter;
            var id = Ids.New(time);
            var incident = new Incident
            {
                Id = id, Number = number, Title = title, Severity = severity, Status = closed ? IncidentStatus.Closed : IncidentStatus.Resolved, TeamId = service.TeamId,
                DeclaredAt = declared.ToDateTimeOffset(), DeclaredById = commander.Id, DeclaredBy = commander.Name, StartedAt = started.ToDateTimeOffset(),
                AcknowledgedAt = (started + ackAfter).ToDateTimeOffset(), MitigatedAt = (declared + mitigatedAfter).ToDateTimeOffset(),
                ResolvedAt = (started + resolvedAfter).ToDateTimeOffset(), ClosedAt = closed ? (started + resolvedAfter + Duration.FromDays(1)).ToDateTimeOffset() : null,
                LastUpdateAt = (declared + mitigatedAfter).ToDateTimeOffset(), PostmortemRequired = severity is "SEV1" or "SEV2",
                WhatHappened = closed ? title + "." : null, WhatWasDone = closed ? "Rolled back and watched the error rate settle." : null,
                FailedAssumptions = closed ? "That the change was safe to roll out everywhere at once." : null,
                WhatShouldChange = closed ? "Roll out in stages, watching the error rate." : null, Cause = closed ? "A change shipped without a staged rollout." : null,
            };
            db.Incidents.Add(incident);
            db.IncidentServices.Add(new IncidentService { IncidentId = id, ServiceId = service.Id });
            db.IncidentRoles.Add(new IncidentRoleAssignment { Id = Ids.New(time), IncidentId = id, UserId = commander.Id, Role = IncidentRole.Commander, StartedAt = declared.ToDateTimeOffset(), AssignedBy = commander.Name });
            void Entry(Instant at, string kind, string text) => db.Timeline.Add(new TimelineEntry
            {
                Id = Ids.New(time), IncidentId = id, At = at.ToDateTimeOffset(), Kind = kind, Text = text, ActorId = commander.Id, ActorName = commander.Name, RecordedAt = at.ToDateTimeOffset(),
            });
            Entry(declared, "declared", $"Declared {severity} by {commander.Name}; {commander.Name} is incident commander.");
            Entry(declared + mitigatedAfter, "status", $"Status triage → mitigated by {commander.Name}");
            Entry(started + resolvedAfter, "status", $"Status mitigated → resolved by {commander.Name}");
            if (closed)
                Entry(started + resolvedAfter + Duration.FromDays(1), "status", $"Closed by {commander.Name} with the written record");
        }

        private (AlertGroup Group, Alert Alert) Alert(Core.Services.Service service, string name, string summary, Severity severity, string instance, Instant at, Duration open,
            Alert? previous = null, int occurrence = 1)
        {
            var labels = $"{{\"alertname\":\"{name}\",\"instance\":\"{instance}\",\"env\":\"prod\"}}";
            var group = new AlertGroup
            {
                Id = Ids.New(time), ServiceId = service.Id, GroupKey = $"demo-history:{Guid.NewGuid():N}", Labels = $"{{\"alertname\":\"{name}\"}}", Title = summary,
                IsOpen = true, OpenedAt = at.ToDateTimeOffset(), LastAlertAt = at.ToDateTimeOffset(), AlertCount = 1, OpenCount = 1, Severity = severity,
            };
            var alert = new Alert
            {
                Id = Ids.New(time), ServiceId = service.Id, GroupId = group.Id, DedupKey = previous?.DedupKey ?? $"demo-history-{Guid.NewGuid():N}", Occurrence = occurrence,
                PreviousId = previous?.Id, Status = AlertStatus.Triggered, Severity = severity, Summary = summary, Source = instance, Labels = labels, Format = "alertmanager",
                FirstSeenAt = at.ToDateTimeOffset(), LastSeenAt = (at + open).ToDateTimeOffset(),
            };
            db.AlertGroups.Add(group);
            db.Alerts.Add(alert);
            db.AlertEvents.Add(alert.Event(Ids.New(time), AlertEventKinds.Triggered, at.ToDateTimeOffset(), null, "alertmanager"));
            return (group, alert);
        }
    }
}
