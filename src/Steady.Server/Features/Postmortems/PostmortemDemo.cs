using System.Text.Json;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;
using Steady.Server.Data;

namespace Steady.Server.Features.Postmortems;

/// <summary>
/// The demo's past incident (--demo): a SEV2 on checkout-web nine days ago — an expired certificate —
/// resolved and closed, with a published postmortem and action items still being followed up, none of
/// them due before a week from now (so loading the demo sends no reminder).
/// </summary>
public static class PostmortemDemo
{
    /// <summary>Adds it to the unit of work (the caller saves); the incident is number 1 on the empty database the demo loads on.</summary>
    public static void Add(SteadyDb db, TimeProvider time, DateTimeOffset now, Guid teamId, Guid serviceId, User commander, User commsLead, User engineer)
    {
        var declared = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-9).AddHours(7).AddMinutes(42);
        var incident = new Incident
        {
            Id = Ids.New(time),
            Number = 1,
            Title = "Checkout refused connections: TLS certificate expired",
            Severity = "SEV2",
            Status = IncidentStatus.Closed,
            TeamId = teamId,
            Summary = "Browsers refused checkout.example.com: its certificate expired at 07:38 UTC.",
            DeclaredAt = declared,
            DeclaredById = commander.Id,
            DeclaredBy = commander.Name,
            StartedAt = declared.AddMinutes(-4),
            AcknowledgedAt = declared,
            MitigatedAt = declared.AddMinutes(31),
            ResolvedAt = declared.AddMinutes(74),
            ClosedAt = declared.AddDays(2),
            LastUpdateAt = declared.AddMinutes(31),
            WhatHappened = "The checkout site's certificate expired; browsers refused it for 35 minutes.",
            WhatWasDone = "A new certificate was issued by hand and loaded on the edge proxies.",
            FailedAssumptions = "That renewal was automatic: it was automated for the API, not for checkout-web.",
            WhatShouldChange = "Renew every edge certificate automatically, and alert well before any expires.",
            Cause = "Renewal of the checkout certificate was a manual step with no reminder and no expiry alert.",
            PostmortemRequired = true,
        };
        db.Incidents.Add(incident);
        db.IncidentServices.Add(new IncidentService { IncidentId = incident.Id, ServiceId = serviceId });
        db.IncidentRoles.Add(new IncidentRoleAssignment { Id = Ids.New(time), IncidentId = incident.Id, UserId = commander.Id, Role = IncidentRole.Commander, StartedAt = declared, AssignedBy = commander.Name });
        db.IncidentRoles.Add(new IncidentRoleAssignment { Id = Ids.New(time), IncidentId = incident.Id, UserId = commsLead.Id, Role = IncidentRole.CommunicationsLead, StartedAt = declared.AddMinutes(6), EndedAt = incident.ResolvedAt, AssignedBy = commander.Name });

        var entries = new (int Minutes, string Kind, string Text, User? Who, bool Pinned)[]
        {
            (0, "declared", $"Declared SEV2 by {commander.Name}; {commander.Name} is incident commander.", commander, false),
            (6, "role", $"{commsLead.Name} is communications lead", commander, false),
            (9, "note", "openssl s_client shows notAfter = today 07:38 UTC on every edge proxy", engineer, true),
            (12, "update", "Internal update — Known: checkout refuses connections, the certificate expired. Doing: issuing a new one by hand.", commsLead, false),
            (14, "action", $"Action: issue and load a new certificate by hand (expected: browsers accept checkout again). Decided by {commander.Name}.", commander, false),
            (31, "status", $"Status mitigating → mitigated by {commander.Name}", commander, false),
            (74, "status", $"Status mitigated → resolved by {commander.Name}, verified healthy", commander, false),
        };
        var timeline = new List<PostmortemTimelineEntry>();
        foreach (var (minutes, kind, text, who, pinned) in entries)
        {
            var at = declared.AddMinutes(minutes);
            db.Timeline.Add(new TimelineEntry { Id = Ids.New(time), IncidentId = incident.Id, At = at, Kind = kind, Text = text, ActorId = who?.Id, ActorName = who?.Name ?? "Steady", Pinned = pinned, RecordedAt = at });
            timeline.Add(new PostmortemTimelineEntry(at, kind, text, who?.Name, pinned));
        }
        var responders = new List<PostmortemResponder>
        {
            new(commander.Id, commander.Name, "commander", declared, null),
            new(commsLead.Id, commsLead.Name, "communications-lead", declared.AddMinutes(6), incident.ResolvedAt),
        };

        var postmortem = new Postmortem
        {
            Id = Ids.New(time),
            IncidentId = incident.Id,
            Status = PostmortemStatus.Published,
            OwnerId = commander.Id,
            DueAt = PostmortemDue.For(new PostmortemDeadline(5, BusinessDays: true), incident.ResolvedAt.Value),
            Summary = "For **35 minutes** customers could not reach checkout: its TLS certificate expired and browsers refused the site. A certificate issued by hand ended it.",
            Impact = "- About 1,900 checkout attempts failed (edge logs).\n- 41 support requests, most from the mobile app.\n- No payment was charged twice; no data was lost.",
            Trigger = "The certificate of `checkout.example.com` reached its expiry date at 07:38 UTC.",
            RootCause = "Renewing the checkout certificate was a manual, yearly step. Nothing reminded anyone of it and no check watched its expiry: the API's certificates renew automatically, which made the manual one easy to miss.",
            ContributingFactors = "- The expiry warning of the edge proxy went to a mailbox nobody reads.\n- The runbook for checkout-web did not mention certificates.",
            Detection = "Customers and the support team noticed first; the first alert (checkout error rate) fired four minutes after expiry.",
            Resolution = "**Mitigation:** a certificate issued by hand, loaded on every edge proxy (31 minutes).\n**Lasting fix:** automatic renewal for every edge certificate (action item, in progress).",
            WentWell = "The commander took the deliberate path: verify the cause with `openssl s_client` before changing anything.",
            WentWrong = "Twenty minutes went to finding who could issue a certificate.",
            GotLucky = "It expired on a quiet morning, not during the evening peak.",
            Timeline = JsonSerializer.Serialize(timeline, PostmortemDrafts.Json),
            Responders = JsonSerializer.Serialize(responders, PostmortemDrafts.Json),
            CreatedAt = incident.ResolvedAt.Value,
            CreatedBy = commander.Name,
            UpdatedAt = declared.AddDays(4),
            PublishedAt = declared.AddDays(4),
        };
        db.Add(postmortem);

        ActionItem Item(string title, ActionItemType type, User owner, string priority, DateTimeOffset due, ActionItemStatus status, string? ticket)
        {
            var item = new ActionItem
            {
                Id = Ids.New(time),
                IncidentId = incident.Id,
                PostmortemId = postmortem.Id,
                Title = title,
                Type = type,
                OwnerId = owner.Id,
                Priority = priority,
                DueAt = due,
                TicketUrl = ticket,
                Status = status,
                CreatedAt = declared.AddDays(3),
                CreatedBy = commander.Name,
                UpdatedAt = declared.AddDays(3),
                DoneAt = status == ActionItemStatus.Done ? declared.AddDays(6) : null,
            };
            item.NextReminderAt = ActionItemReminders.Next(item.Status, item.DueAt, item.CreatedAt, 0, ReminderPolicy.Default);
            db.Add(item);
            return item;
        }
        Item("Renew every edge certificate automatically (ACME)", ActionItemType.Prevent, engineer, "high", now.AddDays(21), ActionItemStatus.InProgress, "https://tracker.example.com/OPS-214");
        Item("Alert 21 days before any certificate on the edge expires", ActionItemType.Monitoring, commsLead, "high", now.AddDays(10), ActionItemStatus.Open, null);
        Item("Add certificates to the checkout-web runbook", ActionItemType.Process, commander, "medium", declared.AddDays(7), ActionItemStatus.Done, null);
    }
}
