using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Steady.Server.Tests;

/// <summary>
/// Every endpoint the server maps × anonymous / viewer / responder / team admin / another team's
/// admin / organization admin. The list of endpoints is read from the running server, so an
/// endpoint added without a row here fails <see cref="EveryMappedEndpointHasARowInTheMatrix"/>.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.Fixture fixture) : IClassFixture<AuthorizationMatrixTests.Fixture>
{
    private readonly SteadyHost _host = fixture.Host;
    private readonly World _world = fixture.World;

    /// <summary>One server and one world for all the matrix's cases; each case arranges its own targets.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public SteadyHost Host { get; private set; } = null!;

        public World World { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Host = await SteadyHost.StartAsync();
            World = await World.CreateAsync(Host);
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }

    public enum Who
    {
        Anonymous,
        Viewer,
        Responder,
        TeamAdmin,
        OtherTeam,
        OrgAdmin,
    }

    /// <summary>Who may call an endpoint.</summary>
    public enum Access
    {
        /// <summary>No credentials needed.</summary>
        Public,

        /// <summary>Anyone signed in.</summary>
        SignedIn,

        /// <summary>Responders and admins of the owning team, and organization admins.</summary>
        TeamResponder,

        /// <summary>Admins of the owning team, and organization admins.</summary>
        TeamAdmin,

        /// <summary>Organization admins only.</summary>
        OrgAdmin,

        /// <summary>Responders (and admins) of any team, and organization admins: for what belongs to the organization, such as its status pages.</summary>
        AnyResponder,

        /// <summary>Members of the owning team in any role (viewer and up), and organization admins: the team's reports.</summary>
        TeamViewer,
    }

    /// <summary>A request to make; <c>Arrange</c> builds fresh targets for each caller, so no call sees another's effects.</summary>
    public sealed record Row(string Method, string Route, Access Access, Func<World, Task<(string Path, object? Body)>> Arrange);

    private static Func<World, Task<(string, object?)>> Fixed(string path, object? body = null) => _ => Task.FromResult<(string, object?)>((path, body));

    public static readonly Row[] Matrix =
    [
        new("GET", "/healthz", Access.Public, Fixed("/healthz")),
        new("GET", "/readyz", Access.Public, Fixed("/readyz")),
        new("GET", "/metrics", Access.Public, Fixed("/metrics")),
        new("GET", "/openapi/{documentName}.json", Access.Public, Fixed("/openapi/v1.json")),
        new("GET", "/steady.css", Access.Public, Fixed("/steady.css")),
        new("GET", "/refresh.js", Access.Public, Fixed("/refresh.js")),
        new("GET", "/favicon.svg", Access.Public, Fixed("/favicon.svg")),
        new("GET", "/contact-methods.js", Access.Public, Fixed("/contact-methods.js")),
        new("GET", "/folds.js", Access.Public, Fixed("/folds.js")),

        new("GET", "/api/v1/me", Access.SignedIn, Fixed("/api/v1/me")),
        new("GET", "/api/v1/users/", Access.SignedIn, Fixed("/api/v1/users")),
        new("POST", "/api/v1/users/", Access.OrgAdmin, _ => Task.FromResult<(string, object?)>(("/api/v1/users", new { name = "New Person", email = $"{Guid.NewGuid():N}@example.com", timeZone = "Europe/Paris" }))),
        new("GET", "/api/v1/users/{user}", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/api/v1/users/{w.Ids[Who.Responder]}", null))),
        new("PATCH", "/api/v1/users/{user}", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}", new { name = "Renamed" })),
        new("PUT", "/api/v1/users/{user}/password", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/password", new { newPassword = "a long enough password" })),
        // Another person's console sessions: only organization admins (a person's own: SessionTests).
        new("GET", "/api/v1/users/{user}/sessions/", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/sessions", null)),
        new("DELETE", "/api/v1/users/{user}/sessions/", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/sessions", null)),

        new("GET", "/api/v1/teams/", Access.SignedIn, Fixed("/api/v1/teams")),
        new("POST", "/api/v1/teams/", Access.OrgAdmin, _ => Task.FromResult<(string, object?)>(("/api/v1/teams", new { name = "Team " + Guid.NewGuid().ToString("N")[..8] }))),
        new("GET", "/api/v1/teams/{team}", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/api/v1/teams/{w.TeamA}", null))),
        new("PATCH", "/api/v1/teams/{team}", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(($"/api/v1/teams/{w.TeamA}", new { description = "Changed " + Guid.NewGuid() }))),
        new("DELETE", "/api/v1/teams/{team}", Access.OrgAdmin, async w => ($"/api/v1/teams/{await w.NewTeamLikeAAsync()}", null)),
        new("GET", "/api/v1/teams/{team}/members", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/api/v1/teams/{w.TeamA}/members", null))),
        new("PUT", "/api/v1/teams/{team}/members/{user}", Access.TeamAdmin, async w => ($"/api/v1/teams/{w.TeamA}/members/{await w.NewUserAsync()}", new { role = "viewer" })),
        new("DELETE", "/api/v1/teams/{team}/members/{user}", Access.TeamAdmin, async w => ($"/api/v1/teams/{w.TeamA}/members/{await w.NewMemberOfAAsync()}", null)),

        new("GET", "/api/v1/services/", Access.SignedIn, Fixed("/api/v1/services")),
        new("POST", "/api/v1/services/", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(("/api/v1/services", new { name = "svc-" + Guid.NewGuid().ToString("N")[..10], teamId = w.TeamA }))),
        new("GET", "/api/v1/services/{service}", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/api/v1/services/{w.ServiceA}", null))),
        new("PATCH", "/api/v1/services/{service}", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(($"/api/v1/services/{w.ServiceA}", new { description = "Changed" }))),
        new("DELETE", "/api/v1/services/{service}", Access.TeamAdmin, async w => ($"/api/v1/services/{await w.NewServiceOfAAsync()}", null)),
        new("GET", "/api/v1/services/{service}/integration-keys", Access.TeamResponder, w => Task.FromResult<(string, object?)>(($"/api/v1/services/{w.ServiceA}/integration-keys", null))),
        new("POST", "/api/v1/services/{service}/integration-keys", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(($"/api/v1/services/{w.ServiceA}/integration-keys", new { name = "prometheus" }))),
        new("DELETE", "/api/v1/services/{service}/integration-keys/{keyId:guid}", Access.TeamAdmin, async w => ($"/api/v1/services/{w.ServiceA}/integration-keys/{await w.NewKeyOfAAsync()}", null)),

        new("GET", "/api/v1/tokens/", Access.SignedIn, Fixed("/api/v1/tokens")),
        new("POST", "/api/v1/tokens/", Access.SignedIn, Fixed("/api/v1/tokens", new { name = "laptop" })),
        new("DELETE", "/api/v1/tokens/{id:guid}", Access.OrgAdmin, async w => ($"/api/v1/tokens/{await w.NewTokenOfSomeoneElseAsync()}", null)),

        new("GET", "/api/v1/audit", Access.OrgAdmin, Fixed("/api/v1/audit")),
        new("GET", "/api/v1/secrets/", Access.OrgAdmin, Fixed("/api/v1/secrets")),
        new("POST", "/api/v1/secrets/rotate", Access.OrgAdmin, Fixed("/api/v1/secrets/rotate", new { })),
        new("POST", "/api/v1/backups", Access.OrgAdmin, Fixed("/api/v1/backups")),
        new("GET", "/api/v1/backups/{name}/check", Access.OrgAdmin, async w => ($"/api/v1/backups/{Uri.EscapeDataString(await w.NewBackupAsync())}/check", null)),
        new("GET", "/api/v1/doctor", Access.OrgAdmin, Fixed("/api/v1/doctor")),

        // Intake is keyed by the integration key, not by a person: anyone holding the key may send.
        new("POST", "/intake/{key}/alertmanager", Access.Public, w => Task.FromResult<(string, object?)>(($"/intake/{w.KeyA}/alertmanager", Steady.Server.Tests.Alerts.AlertWorld.Alertmanager("firing", ("Matrix", "dddd000000000001"))))),
        new("POST", "/intake/{key}/grafana", Access.Public, w => Task.FromResult<(string, object?)>(($"/intake/{w.KeyA}/grafana", new { ruleId = 1, ruleName = "Matrix", state = "alerting" }))),
        new("POST", "/intake/{key}/generic", Access.Public, w => Task.FromResult<(string, object?)>(($"/intake/{w.KeyA}/generic", new { summary = "Matrix" }))),
        new("POST", "/intake/{key}/events", Access.Public, w => Task.FromResult<(string, object?)>(($"/intake/{w.KeyA}/events", new { event_action = "trigger", payload = new { summary = "Matrix", source = "m", severity = "info" } }))),
        new("POST", "/v2/enqueue", Access.Public, w => Task.FromResult<(string, object?)>(("/v2/enqueue", new { routing_key = w.KeyA, event_action = "trigger", payload = new { summary = "Matrix", source = "m", severity = "info" } }))),
        new("GET", "/intake/{key}/heartbeat", Access.Public, w => Task.FromResult<(string, object?)>(($"/intake/{w.KeyA}/heartbeat?name=matrix-get", null))),
        new("POST", "/intake/{key}/heartbeat", Access.Public, w => Task.FromResult<(string, object?)>(($"/intake/{w.KeyA}/heartbeat?name=matrix-post", new { }))),

        new("GET", "/api/v1/alerts/", Access.SignedIn, Fixed("/api/v1/alerts")),
        new("GET", "/api/v1/alerts/{id:guid}", Access.SignedIn, async w => ($"/api/v1/alerts/{await w.NewAlertOfAAsync()}", null)),
        new("GET", "/api/v1/alerts/{id:guid}/notifications", Access.SignedIn, async w => ($"/api/v1/alerts/{await w.NewAlertOfAAsync()}/notifications", null)),
        new("GET", "/api/v1/deliveries", Access.OrgAdmin, Fixed("/api/v1/deliveries?state=failed")),
        new("POST", "/api/v1/deliveries/{id:guid}/retry", Access.OrgAdmin, async w => ($"/api/v1/deliveries/{await w.NewFailedDeliveryAsync()}/retry", new { })),
        new("POST", "/api/v1/alerts/{id:guid}/ack", Access.TeamResponder, async w => ($"/api/v1/alerts/{await w.NewAlertOfAAsync()}/ack", new { })),
        new("POST", "/api/v1/alerts/{id:guid}/resolve", Access.TeamResponder, async w => ($"/api/v1/alerts/{await w.NewAlertOfAAsync()}/resolve", new { note = "matrix" })),
        new("GET", "/api/v1/silences/", Access.SignedIn, Fixed("/api/v1/silences")),
        new("POST", "/api/v1/silences/", Access.TeamResponder, w => Task.FromResult<(string, object?)>(("/api/v1/silences", new { service = "service-a", matchers = new[] { new { name = "alertname", value = "Matrix" } }, reason = "matrix", durationMinutes = 30 }))),
        new("DELETE", "/api/v1/silences/{id:guid}", Access.TeamResponder, async w => ($"/api/v1/silences/{await w.NewSilenceOfAAsync()}", null)),
        new("GET", "/api/v1/services/{service}/maintenance", Access.SignedIn, Fixed("/api/v1/services/service-a/maintenance")),
        new("POST", "/api/v1/services/{service}/maintenance", Access.TeamResponder, Fixed("/api/v1/services/service-a/maintenance", new { reason = "matrix", durationMinutes = 5 })),
        new("DELETE", "/api/v1/services/{service}/maintenance/{id:guid}", Access.TeamResponder, async w => ($"/api/v1/services/service-a/maintenance/{await w.NewMaintenanceOfAAsync()}", null)),
        new("GET", "/api/v1/services/{service}/heartbeats", Access.SignedIn, Fixed("/api/v1/services/service-a/heartbeats")),
        new("GET", "/api/v1/schedules/", Access.SignedIn, Fixed("/api/v1/schedules")),
        new("POST", "/api/v1/schedules/", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(("/api/v1/schedules", w.ScheduleBody()))),
        new("GET", "/api/v1/schedules/{schedule}", Access.SignedIn, async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}", null)),
        new("PATCH", "/api/v1/schedules/{schedule}", Access.TeamAdmin, async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}", new { description = "changed" })),
        new("DELETE", "/api/v1/schedules/{schedule}", Access.TeamAdmin, async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}", null)),
        new("GET", "/api/v1/schedules/{schedule}/final", Access.SignedIn, async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}/final", null)),
        new("POST", "/api/v1/schedules/{schedule}/overrides", Access.TeamResponder, async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}/overrides", w.OverrideBody())),
        new("DELETE", "/api/v1/schedules/{schedule}/overrides/{id:guid}", Access.TeamResponder, async w => await w.NewOverrideOfAAsync()),
        new("GET", "/api/v1/oncall", Access.SignedIn, Fixed("/api/v1/oncall")),
        // Contact details are private: another person's are for organization admins only (one's own: ContactMethodsTests).
        new("GET", "/api/v1/users/{user}/contact-methods", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/contact-methods", null)),
        new("POST", "/api/v1/users/{user}/contact-methods", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/contact-methods", new { kind = "email", address = "someone@example.com" })),
        new("DELETE", "/api/v1/users/{user}/contact-methods/{id:guid}", Access.OrgAdmin, async w => await w.NewContactMethodAsync()),
        new("POST", "/api/v1/users/{user}/contact-methods/{id:guid}/test", Access.OrgAdmin, async w => ((await w.NewContactMethodAsync()).Item1 + "/test", new { })),
        new("GET", "/api/v1/users/{user}/notification-rules", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/notification-rules", null)),
        new("POST", "/api/v1/users/{user}/notification-rules", Access.OrgAdmin, async w => await w.NewRuleTargetAsync()),
        new("DELETE", "/api/v1/users/{user}/notification-rules/{id:guid}", Access.OrgAdmin, async w => await w.NewRuleAsync()),
        new("GET", "/api/v1/escalation-policies/", Access.SignedIn, Fixed("/api/v1/escalation-policies")),
        new("POST", "/api/v1/escalation-policies/", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(("/api/v1/escalation-policies", w.PolicyBody()))),
        new("GET", "/api/v1/escalation-policies/{policy}", Access.SignedIn, async w => ($"/api/v1/escalation-policies/{await w.NewPolicyOfAAsync()}", null)),
        new("PUT", "/api/v1/escalation-policies/{policy}", Access.TeamAdmin, async w => ($"/api/v1/escalation-policies/{await w.NewPolicyOfAAsync()}", w.PolicyBody())),
        new("DELETE", "/api/v1/escalation-policies/{policy}", Access.TeamAdmin, async w => ($"/api/v1/escalation-policies/{await w.NewPolicyOfAAsync()}", null)),
        new("POST", "/api/v1/config/apply", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(("/api/v1/config/apply", new { kind = "schedule", name = "applied-" + Guid.NewGuid().ToString("N")[..8], team = "Team A", time_zone = "Europe/Berlin" }))),
        new("GET", "/api/v1/config/export", Access.SignedIn, Fixed("/api/v1/config/export")),
        new("POST", "/api/v1/import/{source}", Access.OrgAdmin, _ => Task.FromResult<(string, object?)>(("/api/v1/import/pagerduty?dryRun=true", new Dictionary<string, object>
        {
            ["users.json"] = new { users = new[] { new { id = "PU1", name = "Imported Person", email = $"{Guid.NewGuid():N}@example.com" } } },
            ["schedules.json"] = new { schedules = Array.Empty<object>() },
            ["escalation_policies.json"] = new { escalation_policies = Array.Empty<object>() },
        }))),
        new("GET", "/api/v1/escalation-policies/{policy}/oncall", Access.SignedIn, async w => ($"/api/v1/escalation-policies/{await w.NewPolicyOfAAsync()}/oncall", null)),
        new("POST", "/api/v1/schedules/{schedule}/calendar-feed", Access.TeamResponder, async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}/calendar-feed", new { })),
        new("DELETE", "/api/v1/schedules/{schedule}/calendar-feed", Access.TeamResponder, async w => ((await w.NewScheduleFeedAsync()).Api, null)),
        new("POST", "/api/v1/users/{user}/calendar-feed", Access.OrgAdmin, async w => ($"/api/v1/users/{await w.NewUserAsync()}/calendar-feed", new { })),
        new("DELETE", "/api/v1/users/{user}/calendar-feed", Access.OrgAdmin, async w => ((await w.NewUserFeedAsync()).Api, null)),
        // The feeds are read by calendar apps: the secret token in the URL is the credential.
        new("GET", "/ical/schedules/{token}.ics", Access.Public, async w => ((await w.NewScheduleFeedAsync()).Feed, null)),
        new("GET", "/ical/users/{token}.ics", Access.Public, async w => ((await w.NewUserFeedAsync()).Feed, null)),
        new("GET", "/api/v1/checks/", Access.SignedIn, Fixed("/api/v1/checks")),
        new("POST", "/api/v1/checks/", Access.TeamResponder, w => Task.FromResult<(string, object?)>(("/api/v1/checks", new { service = "service-a", name = "matrix " + Guid.NewGuid().ToString("N")[..8], kind = "tcp", target = "192.0.2.1:9", enabled = false }))),
        new("GET", "/api/v1/checks/{id:guid}", Access.SignedIn, async w => ($"/api/v1/checks/{await w.NewCheckOfAAsync()}", null)),
        new("PATCH", "/api/v1/checks/{id:guid}", Access.TeamResponder, async w => ($"/api/v1/checks/{await w.NewCheckOfAAsync()}", new { intervalSeconds = 120 })),
        new("DELETE", "/api/v1/checks/{id:guid}", Access.TeamResponder, async w => ($"/api/v1/checks/{await w.NewCheckOfAAsync()}", null)),
        new("POST", "/api/v1/checks/{id:guid}/run", Access.TeamResponder, async w => ($"/api/v1/checks/{await w.NewCheckOfAAsync()}/run", new { })),

        new("GET", "/api/v1/incident-severities", Access.SignedIn, Fixed("/api/v1/incident-severities")),
        new("GET", "/api/v1/incidents/", Access.SignedIn, Fixed("/api/v1/incidents?mine=true")),
        new("POST", "/api/v1/incidents/", Access.TeamResponder, Fixed("/api/v1/incidents", new { title = "Matrix incident", severity = "SEV3", services = new[] { "service-a" } })),
        new("GET", "/api/v1/incidents/{number}", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}", null)),
        new("POST", "/api/v1/incidents/{number}/severity", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/severity", new { severity = "SEV2", reason = "matrix" })),
        new("POST", "/api/v1/incidents/{number}/status", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/status", new { status = "mitigating" })),
        new("POST", "/api/v1/incidents/{number}/close", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewResolvedIncidentOfAAsync()}/close", World.Record)),
        new("POST", "/api/v1/incidents/{number}/roles", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/roles", new { role = "scribe", user = w.Ids[Who.Viewer].ToString() })),
        new("DELETE", "/api/v1/incidents/{number}/roles/{role}/{user}", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentWithScribeAsync()}/roles/scribe/{w.Ids[Who.Viewer]}", null)),
        new("GET", "/api/v1/incidents/{number}/pages", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/pages", null)),
        new("POST", "/api/v1/incidents/{number}/acknowledge", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewPagingIncidentOfAAsync()}/acknowledge", new { })),
        new("GET", "/api/v1/incidents/{number}/channels", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/channels", null)),
        new("POST", "/api/v1/incidents/{number}/channels", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/channels", new { kind = "email", address = "war-room@example.com" })),
        new("DELETE", "/api/v1/incidents/{number}/channels/{id:guid}", Access.TeamResponder, async w => (await w.NewIncidentChannelAsync(), null)),
        new("GET", "/api/v1/incidents/{number}/updates", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/updates", null)),
        new("POST", "/api/v1/incidents/{number}/updates", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/updates", new { known = "k", doing = "d" })),
        new("GET", "/api/v1/incidents/{number}/timeline", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/timeline", null)),
        new("POST", "/api/v1/incidents/{number}/notes", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/notes", new { text = "matrix" })),
        new("PATCH", "/api/v1/incidents/{number}/timeline/{id:guid}", Access.TeamResponder, async w => (await w.NewNoteAsync(), new { pinned = true })),
        new("POST", "/api/v1/incidents/{number}/timeline/import", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/timeline/import", new { source = "journal", host = "web-1", entries = new[] { new { at = "2026-11-24T07:00:00Z", kind = "error", text = "boom", key = "k1" } } })),
        new("POST", "/api/v1/incidents/{number}/actions", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/actions", new { intent = "i", expectedEffect = "e" })),
        new("PATCH", "/api/v1/incidents/{number}/actions/{id:guid}", Access.TeamResponder, async w => (await w.NewActionAsync(), new { doneAt = "2026-11-24T08:00:00Z" })),
        new("GET", "/api/v1/incidents/{number}/evidence", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/evidence", null)),
        new("GET", "/api/v1/incidents/{number}/evidence/{id:guid}", Access.SignedIn, async w => (await w.NewEvidenceAsync(), null)),
        new("POST", "/api/v1/incidents/{number}/evidence", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/evidence", World.Snapshot)),
        new("GET", "/api/v1/incidents/{number}/postmortem/", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewResolvedIncidentOfAAsync()}/postmortem", null)),
        new("POST", "/api/v1/incidents/{number}/postmortem/", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/postmortem", new { })),
        new("PUT", "/api/v1/incidents/{number}/postmortem/", Access.TeamResponder, async w => ($"/api/v1/incidents/{await w.NewResolvedIncidentOfAAsync()}/postmortem", new { summary = "matrix" })),
        new("GET", "/api/v1/incidents/{number}/postmortem/markdown", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewResolvedIncidentOfAAsync()}/postmortem/markdown", null)),
        new("GET", "/api/v1/incidents/{number}/repeats", Access.SignedIn, async w => ($"/api/v1/incidents/{await w.NewIncidentOfAAsync()}/repeats", null)),
        new("GET", "/api/v1/action-items/", Access.SignedIn, Fixed("/api/v1/action-items")),
        new("POST", "/api/v1/action-items/", Access.TeamResponder, async w => ("/api/v1/action-items", w.ActionItem(await w.NewIncidentOfAAsync()))),
        new("GET", "/api/v1/action-items/{id:guid}", Access.SignedIn, async w => ($"/api/v1/action-items/{await w.NewActionItemOfAAsync()}", null)),
        new("PATCH", "/api/v1/action-items/{id:guid}", Access.TeamResponder, async w => ($"/api/v1/action-items/{await w.NewActionItemOfAAsync()}", new { priority = "high" })),
        new("GET", "/api/v1/changes/", Access.SignedIn, Fixed("/api/v1/changes?service=service-a")),
        new("POST", "/api/v1/changes/", Access.TeamResponder, Fixed("/api/v1/changes", new { service = "service-a", summary = "deploy v1.2.3" })),
        new("GET", "/api/v1/freeze/", Access.SignedIn, Fixed("/api/v1/freeze?service=service-a")),
        new("POST", "/api/v1/freeze/", Access.TeamResponder, Fixed("/api/v1/freeze", new { service = "service-a", reason = "matrix" })),
        new("DELETE", "/api/v1/freeze/{id:guid}", Access.TeamResponder, async w => ($"/api/v1/freeze/{await w.NewFreezeAsync()}", null)),
        // Reports on a team are for its members; the on-call report shows anyone their own load (another team's member: nothing); rates are the team admins'.
        new("GET", "/api/v1/reports/response", Access.TeamViewer, w => Task.FromResult<(string, object?)>(($"/api/v1/reports/response?team={w.TeamA}", null))),
        new("GET", "/api/v1/reports/noise", Access.TeamViewer, w => Task.FromResult<(string, object?)>(($"/api/v1/reports/noise?team={w.TeamA}", null))),
        new("GET", "/api/v1/reports/oncall", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/api/v1/reports/oncall?team={w.TeamA}", null))),
        new("GET", "/api/v1/teams/{team}/report-settings", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(($"/api/v1/teams/{w.TeamA}/report-settings", null))),
        new("PUT", "/api/v1/teams/{team}/report-settings", Access.TeamAdmin, w => Task.FromResult<(string, object?)>(($"/api/v1/teams/{w.TeamA}/report-settings",
            new { currency = "EUR", onCallHour = 2.5, offHourInterruption = 10, sleepHourInterruption = 25, weekendMultiplier = 1.5, holidayMultiplier = 2, holidays = new[] { new { date = "2026-12-25", name = "Christmas Day" } } }))),
        new("GET", "/api/v1/emergency-lines/", Access.OrgAdmin, Fixed("/api/v1/emergency-lines")),
        new("POST", "/api/v1/emergency-lines/", Access.OrgAdmin, async w => ("/api/v1/emergency-lines", await w.LineBodyAsync())),
        new("PATCH", "/api/v1/emergency-lines/{id:guid}", Access.OrgAdmin, async w => ($"/api/v1/emergency-lines/{(await w.NewLineAsync()).Id}", new { hours = "Mon–Fri 08:00–18:00 Europe/Berlin" })),
        new("POST", "/api/v1/emergency-lines/{id:guid}/reinstate", Access.OrgAdmin, async w => ($"/api/v1/emergency-lines/{await w.NewSuspendedLineAsync()}/reinstate", new { })),
        new("GET", "/api/v1/emergency-lines/{id:guid}/submissions", Access.OrgAdmin, async w => ($"/api/v1/emergency-lines/{(await w.NewLineAsync()).Id}/submissions", null)),
        new("POST", "/api/v1/emergency-submissions/{id:guid}/misuse", Access.TeamResponder, async w => ($"/api/v1/emergency-submissions/{await w.NewSubmissionAsync((await w.NewLineAsync()).Key)}/misuse", new { reason = "not an emergency" })),
        new("GET", "/emergency-line/{key}", Access.Public, async w => ($"/emergency-line/{(await w.NewLineAsync()).Key}", null)),
        new("POST", "/emergency-line/{key}", Access.Public, async w => ($"/emergency-line/{(await w.NewLineAsync()).Key}", World.Submission)),

        // Status pages: shaped by organization admins, told by responders of any team (the page is the organization's), read by anyone signed in.
        new("GET", "/api/v1/status-pages/", Access.SignedIn, Fixed("/api/v1/status-pages")),
        new("POST", "/api/v1/status-pages/", Access.OrgAdmin, _ => Task.FromResult<(string, object?)>(("/api/v1/status-pages", new { name = "Matrix page", slug = "m-" + Guid.NewGuid().ToString("N")[..10] }))),
        new("GET", "/api/v1/status-pages/{slug}", Access.SignedIn, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}", null)),
        new("PATCH", "/api/v1/status-pages/{slug}", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}", new { description = "Changed" })),
        new("GET", "/api/v1/status-pages/{slug}/groups", Access.SignedIn, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/groups", null)),
        new("POST", "/api/v1/status-pages/{slug}/groups", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/groups", new { name = "Shop" })),
        new("GET", "/api/v1/status-pages/{slug}/components", Access.SignedIn, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/components", null)),
        new("POST", "/api/v1/status-pages/{slug}/components", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/components", new { name = "Search" })),
        new("PATCH", "/api/v1/status-pages/{slug}/components/{component}", Access.AnyResponder, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/components/Checkout", new { state = "partial_outage" })),
        new("GET", "/api/v1/status-pages/{slug}/components/{component}/history", Access.SignedIn, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/components/Checkout/history", null)),
        new("GET", "/api/v1/status-pages/{slug}/incidents", Access.SignedIn, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/incidents", null)),
        new("POST", "/api/v1/status-pages/{slug}/incidents", Access.AnyResponder, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/incidents", new { title = "Matrix", status = "investigating", body = "Looking." })),
        new("GET", "/api/v1/status-pages/{slug}/incidents/{id:guid}", Access.SignedIn, async w => await w.StatusIncidentPathAsync("/api/v1/status-pages/{0}/incidents/{1}")),
        new("POST", "/api/v1/status-pages/{slug}/incidents/{id:guid}/updates", Access.AnyResponder, async w => (((await w.StatusIncidentPathAsync("/api/v1/status-pages/{0}/incidents/{1}/updates")).Item1), new { status = "identified", body = "Found it." })),

        // Deletes, the secret link and subscribers (personal data): organization admins. Maintenance, like incidents: responders of any team.
        new("DELETE", "/api/v1/status-pages/{slug}", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}", null)),
        new("POST", "/api/v1/status-pages/{slug}/access-link", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/access-link", null)),
        new("DELETE", "/api/v1/status-pages/{slug}/groups/{group}", Access.OrgAdmin, async w => await w.StatusGroupPathAsync()),
        new("DELETE", "/api/v1/status-pages/{slug}/components/{component}", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/components/Checkout", null)),
        new("GET", "/api/v1/status-pages/{slug}/maintenances", Access.SignedIn, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/maintenances", null)),
        new("POST", "/api/v1/status-pages/{slug}/maintenances", Access.AnyResponder, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/maintenances", w.MaintenanceBody())),
        new("GET", "/api/v1/status-pages/{slug}/maintenances/{id:guid}", Access.SignedIn, async w => (await w.MaintenancePathAsync(""), null)),
        new("POST", "/api/v1/status-pages/{slug}/maintenances/{id:guid}/updates", Access.AnyResponder, async w => (await w.MaintenancePathAsync("/updates"), new { status = "in_progress", body = "Started." })),
        new("DELETE", "/api/v1/status-pages/{slug}/maintenances/{id:guid}", Access.AnyResponder, async w => (await w.MaintenancePathAsync(""), null)),
        new("GET", "/api/v1/status-pages/{slug}/subscribers", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/subscribers", null)),
        new("GET", "/api/v1/status-pages/{slug}/subscribers/export", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/subscribers/export", null)),
        new("POST", "/api/v1/status-pages/{slug}/subscribers", Access.OrgAdmin, async w => ($"/api/v1/status-pages/{(await w.NewStatusPageAsync()).Slug}/subscribers", new { kind = "webhook", address = "http://127.0.0.1:9/matrix" })),
        new("DELETE", "/api/v1/status-pages/{slug}/subscribers/{id:guid}", Access.OrgAdmin, async w => ((await w.SubscriberAsync()).ApiPath, null)),

        new("GET", "/api/v2/summary.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/summary.json", null); }),
        new("GET", "/status/{slug}/api/v2/summary.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/summary.json", null)),
        new("GET", "/api/v2/status.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/status.json", null); }),
        new("GET", "/status/{slug}/api/v2/status.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/status.json", null)),
        new("GET", "/api/v2/components.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/components.json", null); }),
        new("GET", "/status/{slug}/api/v2/components.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/components.json", null)),
        new("GET", "/api/v2/incidents.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/incidents.json", null); }),
        new("GET", "/status/{slug}/api/v2/incidents.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/incidents.json", null)),
        new("GET", "/api/v2/incidents/unresolved.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/incidents/unresolved.json", null); }),
        new("GET", "/status/{slug}/api/v2/incidents/unresolved.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/incidents/unresolved.json", null)),
        new("GET", "/api/v2/scheduled-maintenances.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/scheduled-maintenances.json", null); }),
        new("GET", "/status/{slug}/api/v2/scheduled-maintenances.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/scheduled-maintenances.json", null)),
        new("GET", "/api/v2/scheduled-maintenances/upcoming.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/scheduled-maintenances/upcoming.json", null); }),
        new("GET", "/status/{slug}/api/v2/scheduled-maintenances/upcoming.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/scheduled-maintenances/upcoming.json", null)),
        new("GET", "/api/v2/scheduled-maintenances/active.json", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/api/v2/scheduled-maintenances/active.json", null); }),
        new("GET", "/status/{slug}/api/v2/scheduled-maintenances/active.json", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/api/v2/scheduled-maintenances/active.json", null)),
        new("GET", "/history.atom", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/history.atom", null); }),
        new("GET", "/status/{slug}/history.atom", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/history.atom", null)),
        new("GET", "/history.rss", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/history.rss", null); }),
        new("GET", "/status/{slug}/history.rss", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/history.rss", null)),
        new("GET", "/status/history.atom", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/status/history.atom", null); }),
        new("GET", "/status/history.rss", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/status/history.rss", null); }),
    ];

    /// <summary>Console pages, read with GET by a signed-in browser; their forms run the same commands the API rows check.</summary>
    public static readonly Row[] Pages =
    [
        new("PAGE", "login", Access.Public, Fixed("/login")),
        new("PAGE", "error", Access.Public, Fixed("/error")),
        new("PAGE", "", Access.SignedIn, Fixed("/")),
        new("PAGE", "logout", Access.SignedIn, Fixed("/logout")),
        new("PAGE", "account", Access.SignedIn, Fixed("/account")),
        new("PAGE", "teams", Access.SignedIn, Fixed("/teams")),
        new("PAGE", "teams/{id:guid}", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/teams/{w.TeamA}", null))),
        new("PAGE", "users", Access.SignedIn, Fixed("/users")),
        new("PAGE", "services", Access.SignedIn, Fixed("/services")),
        new("PAGE", "services/{id:guid}", Access.SignedIn, w => Task.FromResult<(string, object?)>(($"/services/{w.ServiceA}", null))),
        new("PAGE", "tokens", Access.SignedIn, Fixed("/tokens")),
        new("PAGE", "audit", Access.OrgAdmin, Fixed("/audit")),
        new("PAGE", "deliveries", Access.OrgAdmin, Fixed("/deliveries")),
        new("PAGE", "alerts", Access.SignedIn, Fixed("/alerts")),
        new("PAGE", "alerts/{id:guid}", Access.SignedIn, async w => ($"/alerts/{await w.NewAlertOfAAsync()}", null)),
        new("PAGE", "incidents", Access.SignedIn, Fixed("/incidents?status=all")),
        new("PAGE", "emergency-lines", Access.OrgAdmin, Fixed("/emergency-lines")),
        new("PAGE", "emergency/{key}", Access.Public, async w => ($"/emergency/{(await w.NewLineAsync()).Key}", null)),
        new("PAGE", "incidents/declare", Access.SignedIn, Fixed("/incidents/declare")),
        new("PAGE", "action-items", Access.SignedIn, Fixed("/action-items")),
        new("PAGE", "reports", Access.SignedIn, Fixed("/reports")),
        new("PAGE", "reports/oncall", Access.SignedIn, Fixed("/reports/oncall")),
        new("PAGE", "reports/noise", Access.SignedIn, Fixed("/reports/noise")),
        new("PAGE", "incidents/{number:int}/postmortem", Access.SignedIn, async w => ($"/incidents/{await w.NewResolvedIncidentOfAAsync()}/postmortem", null)),
        new("PAGE", "incidents/{number:int}", Access.SignedIn, async w => ($"/incidents/{await w.NewIncidentOfAAsync()}", null)),
        new("PAGE", "schedules", Access.SignedIn, Fixed("/schedules")),
        new("PAGE", "schedules/{id:guid}", Access.SignedIn, async w => ($"/schedules/{await w.NewScheduleOfAAsync()}", null)),
        // Editing a schedule is for admins of its team (the empty form, for admins of any team: ScheduleEditingTests).
        new("PAGE", "schedules/edit/{id:guid?}", Access.TeamAdmin, async w => ($"/schedules/edit/{await w.NewScheduleOfAAsync()}", null)),
        new("PAGE", "policies", Access.SignedIn, Fixed("/policies")),
        new("PAGE", "policies/{id:guid}", Access.SignedIn, async w => ($"/policies/{await w.NewPolicyOfAAsync()}", null)),
        new("PAGE", "policies/edit/{id:guid?}", Access.TeamAdmin, async w => ($"/policies/edit/{await w.NewPolicyOfAAsync()}", null)),
        new("PAGE", "silences", Access.SignedIn, Fixed("/silences")),
        new("PAGE", "maintenance", Access.SignedIn, Fixed("/maintenance")),
        // Anyone signed in sees a person's profile; their contact details only themselves and organization admins (ConsoleOnCallTests).
        new("PAGE", "users/{id:guid}", Access.SignedIn, async w => ($"/users/{await w.NewUserAsync()}", null)),
        // The links in notifications: the signed token is the credential, so no sign-in.
        new("PAGE", "ack/{token}", Access.Public, async w => (await w.LinkAsync(Steady.Server.Features.Paging.LinkAction.Acknowledge), null)),
        new("PAGE", "resolve/{token}", Access.Public, async w => (await w.LinkAsync(Steady.Server.Features.Paging.LinkAction.Resolve), null)),
        // The public status pages, and the incident's public update form (posting it is the incident's responders', IncidentRecords).
        new("PAGE", "status/{slug?}", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/status", null); }),
        new("PAGE", "status/incidents/{id:guid}", Access.Public, async w => await w.StatusIncidentPathAsync("/status/incidents/{1}", onDefault: true)),
        new("PAGE", "status/{slug}/incidents/{id:guid}", Access.Public, async w => await w.StatusIncidentPathAsync("/status/{0}/incidents/{1}")),
        // Subscribing, and the links in subscribers' emails (the signed token is the credential); the console's status pages.
        new("PAGE", "status/subscribe", Access.Public, async w => { await w.NewStatusPageAsync(); return ("/status/subscribe", null); }),
        new("PAGE", "status/{slug}/subscribe", Access.Public, async w => ($"/status/{(await w.NewStatusPageAsync()).Slug}/subscribe", null)),
        new("PAGE", "status/subscriptions/{step:regex(^(confirm|manage|unsubscribe)$)}/{token}", Access.Public, async w => ((await w.SubscriberAsync()).ManagePath, null)),
        new("PAGE", "status-pages", Access.SignedIn, Fixed("/status-pages")),
        new("PAGE", "status-pages/{slug}", Access.SignedIn, async w => ($"/status-pages/{(await w.NewStatusPageAsync()).Slug}", null)),
        new("PAGE", "incidents/{number:int}/public-update", Access.SignedIn, async w => ($"/incidents/{await w.NewIncidentOfAAsync()}/public-update", null)),
    ];

    /// <summary>Who tries to make team A's configuration name team B's (or declare on team B's service).</summary>
    public enum Crosser
    {
        /// <summary>Team A's responder.</summary>
        Responder,

        /// <summary>Team A's admin.</summary>
        TeamAdmin,

        /// <summary>Team B's admin.</summary>
        OtherTeam,

        /// <summary>An admin of both team A and team B.</summary>
        BothTeams,

        OrgAdmin,
    }

    /// <summary>A request that crosses from team A into team B; <c>Allowed</c> may make it, everyone else gets 403.</summary>
    public sealed record CrossingRow(string Name, string Method, Func<World, Task<(string Path, object? Body)>> Arrange, params Crosser[] Allowed);

    /// <summary>
    /// Team boundaries (issue 15): declaring an incident needs the responder role in the team of each service it
    /// names; a team's policies, services and schedules name another team's policy, schedule or people only when
    /// the caller administers both teams, or the organization — through the API and through <c>steady apply</c>.
    /// </summary>
    public static readonly CrossingRow[] Crossings =
    [
        new("an incident on services of two teams", "POST", async w => ("/api/v1/incidents", new { title = "Crossing", severity = "SEV3", services = new[] { "service-a", await w.ServiceOfBAsync() } }),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("a policy of team A paging team B's schedule", "POST", async w => ("/api/v1/escalation-policies", w.PolicyOfABody(await w.NewScheduleOfBAsync())),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("a policy of team A paging a person of team B", "POST", w => Task.FromResult<(string, object?)>(("/api/v1/escalation-policies", w.PolicyOfABody(w.Ids[Who.OtherTeam].ToString()))),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("a policy of team A paging team B in turn", "POST", w => Task.FromResult<(string, object?)>(("/api/v1/escalation-policies", w.PolicyOfABody("team:Team B"))),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("team A's policy changed to page team B's schedule", "PUT", async w => ($"/api/v1/escalation-policies/{await w.NewPolicyOfAAsync()}", w.PolicyOfABody(await w.NewScheduleOfBAsync())),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("team A's service paged through team B's policy", "PATCH", async w => ($"/api/v1/services/{await w.NewServiceOfAAsync()}", new { escalationPolicy = await w.NewPolicyOfBAsync() }),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("a schedule of team A with a person of team B", "POST", w => Task.FromResult<(string, object?)>(("/api/v1/schedules", w.ScheduleOfABody(w.Ids[Who.OtherTeam]))),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("team A's schedule changed to take in a person of team B", "PATCH", async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}", new { layers = w.LayersOfA(w.Ids[Who.OtherTeam]) }),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("an override of team A's schedule by a person of team B", "POST", async w => ($"/api/v1/schedules/{await w.NewScheduleOfAAsync()}/overrides", new { user = w.Ids[Who.OtherTeam].ToString(), startsAt = "2026-12-01T00:00:00Z", endsAt = "2026-12-02T00:00:00Z" }),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("steady apply: a policy of team A paging team B's schedule", "POST", async w => ("/api/v1/config/apply",
            new { kind = "escalation_policy", name = "applied-" + Guid.NewGuid().ToString("N")[..8], team = "Team A", escalation_chain = new[] { new { notify = await w.NewScheduleOfBAsync(), wait = "5m" } } }),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("steady apply: a service of team A paged through team B's policy", "POST", async w => ("/api/v1/config/apply",
            new { kind = "service", name = "applied-" + Guid.NewGuid().ToString("N")[..8], team = "Team A", escalation_policy = await w.NewPolicyOfBAsync() }),
            Crosser.BothTeams, Crosser.OrgAdmin),
        new("steady apply: a schedule of team A with a person of team B", "POST", w => Task.FromResult<(string, object?)>(("/api/v1/config/apply",
            new { kind = "schedule", name = "applied-" + Guid.NewGuid().ToString("N")[..8], team = "Team A", time_zone = "Europe/Berlin",
                layers = new[] { new { name = "weekly", participants = new[] { w.Emails[Who.OtherTeam] }, first_handoff = "2026-01-05T09:00", rotation = "weekly" } } })),
            Crosser.BothTeams, Crosser.OrgAdmin),
    ];

    public static TheoryData<string, Crosser> CrossingCases()
    {
        var data = new TheoryData<string, Crosser>();
        foreach (var row in Crossings)
        {
            foreach (var who in Enum.GetValues<Crosser>())
                data.Add(row.Name, who);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CrossingCases))]
    public async Task OneTeamsConfigurationNamesAnotherTeamsOnlyForWhoAdministersBoth(string name, Crosser who)
    {
        var row = Crossings.Single(r => r.Name == name);
        var (path, body) = await row.Arrange(_world);
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), path) { Content = JsonContent.Create(body) };
        var response = await (await _world.CrosserAsync(who)).SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (row.Allowed.Contains(who))
        {
            Assert.True(response.IsSuccessStatusCode, $"{who} should be allowed {name} but got {(int)response.StatusCode}: {text}");
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{who} should be refused {name} but got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public void EveryMappedEndpointHasARowInTheMatrix()
    {
        var endpoints = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        static bool IsPage(RouteEndpoint e) => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null;
        var mapped = endpoints.Where(e => !IsPage(e))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Concat(endpoints.Where(IsPage).Select(e => $"PAGE {e.RoutePattern.RawText}"))
            .ToHashSet();
        var covered = Matrix.Concat(Pages).Select(r => r.Method == "PAGE" ? $"PAGE {r.Route}" : $"{r.Method} {Normalize(r.Route)}").ToHashSet();
        Assert.Empty(mapped.Except(covered));
        Assert.Empty(covered.Except(mapped));
    }

    public static TheoryData<string, Who> PageCases()
    {
        var data = new TheoryData<string, Who>();
        foreach (var row in Pages)
        {
            foreach (var who in Enum.GetValues<Who>())
                data.Add(row.Route, who);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PageCases))]
    public async Task EachCallerSeesExactlyTheConsolePagesTheMatrixGrants(string route, Who who)
    {
        var row = Pages.Single(r => r.Route == route);
        var (path, _) = await row.Arrange(_world);
        var response = await (await _world.BrowserAsync(who)).GetAsync(path);
        var status = (int)response.StatusCode;

        if (Allowed(row.Access, who))
            Assert.True(status == 200, $"{who} should see {path} but got {status}");
        else if (who == Who.Anonymous)
            Assert.True(status == 302 && response.Headers.Location!.OriginalString.Contains("/login", StringComparison.Ordinal), $"anonymous should be sent to /login from {path}, got {status}");
        else
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static TheoryData<string, string, Who> Cases()
    {
        var data = new TheoryData<string, string, Who>();
        foreach (var row in Matrix)
        {
            foreach (var who in Enum.GetValues<Who>())
                data.Add(row.Method, row.Route, who);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachCallerGetsExactlyTheAccessTheMatrixGrants(string method, string route, Who who)
    {
        var row = Matrix.Single(r => r.Method == method && r.Route == route);
        var (path, body) = await row.Arrange(_world);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        var response = await _world.Client(who).SendAsync(request, TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        if (Allowed(row.Access, who))
        {
            Assert.True(status is >= 200 and < 300, $"{who} should be allowed {method} {path} but got {status}: {text}");
        }
        else if (who == Who.Anonymous)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        else
        {
            // Someone else's token is not theirs to know about: 404. Everything else refused says so: 403.
            Assert.True(status is 403 or 404, $"{who} should be refused {method} {path} but got {status}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static bool Allowed(Access access, Who who) => access switch
    {
        Access.Public => true,
        Access.SignedIn => who != Who.Anonymous,
        Access.TeamResponder => who is Who.Responder or Who.TeamAdmin or Who.OrgAdmin,
        Access.TeamAdmin => who is Who.TeamAdmin or Who.OrgAdmin,
        Access.OrgAdmin => who == Who.OrgAdmin,
        Access.AnyResponder => who is Who.Responder or Who.TeamAdmin or Who.OtherTeam or Who.OrgAdmin,
        Access.TeamViewer => who is Who.Viewer or Who.Responder or Who.TeamAdmin or Who.OrgAdmin,
        _ => false,
    };

    private static string Normalize(string route) => route.TrimEnd('/');

    /// <summary>Team A with a viewer, a responder and an admin; team B whose admin is "another team's member"; the organization admin.</summary>
    public sealed class World
    {
        private readonly SteadyHost _host;
        public const string Password = "matrix password for everyone";

        private readonly Dictionary<Who, string> _tokens = [];
        private readonly Dictionary<Who, string> _emails = [];
        private readonly Dictionary<Who, ConsoleClient> _browsers = [];

        private World(SteadyHost host) => _host = host;

        public Dictionary<Who, Guid> Ids { get; } = [];

        public Guid TeamA { get; private set; }

        public Guid TeamB { get; private set; }

        public Guid ServiceA { get; private set; }

        public string KeyA { get; private set; } = "";

        public static async Task<World> CreateAsync(SteadyHost host)
        {
            var world = new World(host);
            var admin = host.Admin();
            world._tokens[Who.OrgAdmin] = SteadyHost.AdminToken;
            world._emails[Who.OrgAdmin] = "admin@steady.local";
            (await admin.PutAsJsonAsync("/api/v1/users/admin@steady.local/password", new { newPassword = Password })).EnsureSuccessStatusCode();
            world.TeamA = await PostIdAsync(admin, "/api/v1/teams", new { name = "Team A" });
            world.TeamB = await PostIdAsync(admin, "/api/v1/teams", new { name = "Team B" });
            foreach (var (who, team, role) in new[] { (Who.Viewer, world.TeamA, "viewer"), (Who.Responder, world.TeamA, "responder"), (Who.TeamAdmin, world.TeamA, "admin"), (Who.OtherTeam, world.TeamB, "admin") })
            {
                var (id, token) = await host.CreateUserAsync(who.ToString());
                world.Ids[who] = id;
                world._tokens[who] = token;
                var email = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}")).GetProperty("email").GetString()!;
                world._emails[who] = email;
                (await admin.PutAsJsonAsync($"/api/v1/users/{id}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
                (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{id}", new { role })).EnsureSuccessStatusCode();
            }
            world.ServiceA = await PostIdAsync(admin, "/api/v1/services", new { name = "service-a", teamId = world.TeamA });
            var key = await admin.PostAsJsonAsync($"/api/v1/services/{world.ServiceA}/integration-keys", new { name = "matrix" });
            world.KeyA = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            return world;
        }

        public HttpClient Client(Who who) => who == Who.Anonymous ? _host.Anonymous() : _host.As(_tokens[who]);

        /// <summary>A browser signed in as <paramref name="who"/> through the login form (anonymous: not signed in).</summary>
        public async Task<ConsoleClient> BrowserAsync(Who who)
        {
            if (_browsers.TryGetValue(who, out var browser))
                return browser;
            browser = new ConsoleClient(_host);
            if (who != Who.Anonymous)
                await browser.SignInAsync(_emails[who], Password);
            return _browsers[who] = browser;
        }

        public async Task<Guid> NewUserAsync() => (await _host.CreateUserAsync("Someone")).Id;

        /// <summary>A backup the server wrote, by the name the API gives it.</summary>
        public async Task<string> NewBackupAsync()
        {
            var response = await _host.Admin().PostAsync("/api/v1/backups", null);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("file").GetString()!;
        }

        /// <summary>Everyone's email, to name them in configuration files.</summary>
        public IReadOnlyDictionary<Who, string> Emails => _emails;

        private HttpClient? _bothTeams;
        private string? _serviceOfB;

        /// <summary>A client for a person who administers both team A and team B (made the first time it is asked for).</summary>
        public async Task<HttpClient> CrosserAsync(Crosser who)
        {
            switch (who)
            {
                case Crosser.Responder:
                    return Client(Who.Responder);
                case Crosser.TeamAdmin:
                    return Client(Who.TeamAdmin);
                case Crosser.OtherTeam:
                    return Client(Who.OtherTeam);
                case Crosser.OrgAdmin:
                    return Client(Who.OrgAdmin);
            }
            if (_bothTeams is null)
            {
                var (id, token) = await _host.CreateUserAsync("Both Teams");
                foreach (var team in new[] { TeamA, TeamB })
                    (await _host.Admin().PutAsJsonAsync($"/api/v1/teams/{team}/members/{id}", new { role = "admin" })).EnsureSuccessStatusCode();
                _bothTeams = _host.As(token);
            }
            return _bothTeams;
        }

        /// <summary>Team B's service (made the first time it is asked for): its name.</summary>
        public async Task<string> ServiceOfBAsync()
        {
            if (_serviceOfB is null)
            {
                await PostIdAsync(_host.Admin(), "/api/v1/services", new { name = "service-b", teamId = TeamB });
                _serviceOfB = "service-b";
            }
            return _serviceOfB;
        }

        /// <summary>A new schedule of team B (its admin on call): its name.</summary>
        public async Task<string> NewScheduleOfBAsync()
        {
            var name = "rota-b-" + Guid.NewGuid().ToString("N")[..8];
            await PostIdAsync(_host.Admin(), "/api/v1/schedules", new
            {
                name,
                team = TeamB.ToString(),
                timeZone = "Europe/Berlin",
                layers = new[] { new { name = "weekly", participants = new[] { Ids[Who.OtherTeam] }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" } },
            });
            return name;
        }

        /// <summary>A new escalation policy of team B, paging its admin: its name.</summary>
        public async Task<string> NewPolicyOfBAsync()
        {
            var name = "policy-b-" + Guid.NewGuid().ToString("N")[..8];
            await PostIdAsync(_host.Admin(), "/api/v1/escalation-policies", new { name, team = TeamB.ToString(), escalation_chain = new object[] { new { notify = Ids[Who.OtherTeam].ToString() } } });
            return name;
        }

        /// <summary>A policy of team A whose second step notifies <paramref name="target"/>.</summary>
        public object PolicyOfABody(string target) => new
        {
            name = "policy-" + Guid.NewGuid().ToString("N")[..8],
            team = TeamA.ToString(),
            escalation_chain = new object[] { new { notify = Ids[Who.Responder].ToString(), wait = "5m" }, new { notify = target } },
        };

        /// <summary>A schedule of team A whose one layer rotates its responder and <paramref name="also"/>.</summary>
        public object ScheduleOfABody(Guid also) => new
        {
            name = "rota-" + Guid.NewGuid().ToString("N")[..8],
            team = TeamA.ToString(),
            timeZone = "Europe/Berlin",
            layers = LayersOfA(also),
        };

        public object[] LayersOfA(Guid also) => [new { name = "weekly", participants = new[] { Ids[Who.Responder], also }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" }];

        public async Task<Guid> NewMemberOfAAsync()
        {
            var id = await NewUserAsync();
            (await _host.Admin().PutAsJsonAsync($"/api/v1/teams/{TeamA}/members/{id}", new { role = "viewer" })).EnsureSuccessStatusCode();
            return id;
        }

        /// <summary>An empty team in which the world's people have the same roles as in team A.</summary>
        public async Task<Guid> NewTeamLikeAAsync()
        {
            var admin = _host.Admin();
            var team = await PostIdAsync(admin, "/api/v1/teams", new { name = "Like A " + Guid.NewGuid().ToString("N")[..8] });
            foreach (var (who, role) in new[] { (Who.Viewer, "viewer"), (Who.Responder, "responder"), (Who.TeamAdmin, "admin") })
                (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{Ids[who]}", new { role })).EnsureSuccessStatusCode();
            return team;
        }

        public Task<Guid> NewServiceOfAAsync() =>
            PostIdAsync(_host.Admin(), "/api/v1/services", new { name = "svc-" + Guid.NewGuid().ToString("N")[..10], teamId = TeamA });

        /// <summary>A new open alert on service A, sent through intake and found through the API.</summary>
        public async Task<Guid> NewAlertOfAAsync()
        {
            var dedupKey = "matrix-" + Guid.NewGuid().ToString("N");
            (await _host.Anonymous().PostAsJsonAsync($"/intake/{KeyA}/generic", new { summary = "Matrix alert", dedup_key = dedupKey })).EnsureSuccessStatusCode();
            var page = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=service-a&status=open&limit=500");
            return page.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("dedupKey").GetString() == dedupKey).GetProperty("id").GetGuid();
        }

        /// <summary>A valid signed link (for a message with no alerts left): its page shows, without sign-in.</summary>
        public async Task<string> LinkAsync(Steady.Server.Features.Paging.LinkAction action)
        {
            var links = _host.Services.GetRequiredService<Steady.Server.Features.Paging.AckLinks>();
            var url = await links.UrlAsync(action, Guid.NewGuid(), _host.Clock.GetUtcNow().AddHours(1), CancellationToken.None);
            return url.PathAndQuery;
        }

        /// <summary>A paused TCP check on service A (paused, so the runner leaves it alone).</summary>
        public Task<Guid> NewCheckOfAAsync() => PostIdAsync(_host.Admin(), "/api/v1/checks",
            new { service = "service-a", name = "matrix " + Guid.NewGuid().ToString("N")[..8], kind = "tcp", target = "127.0.0.1:9", enabled = false });

        public object ScheduleBody() => new
        {
            name = "rota-" + Guid.NewGuid().ToString("N")[..8],
            team = TeamA.ToString(),
            timeZone = "Europe/Berlin",
            layers = new[] { new { name = "weekly", participants = new[] { Ids[Who.Responder] }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" } },
        };

        public object OverrideBody() => new { user = Ids[Who.Viewer].ToString(), startsAt = "2026-12-01T00:00:00Z", endsAt = "2026-12-02T00:00:00Z" };

        public async Task<(string, object?)> NewContactMethodAsync()
        {
            var user = await NewUserAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/users/{user}/contact-methods", new { kind = "email", address = "someone@example.com" });
            return ($"/api/v1/users/{user}/contact-methods/{id}", null);
        }

        public async Task<(string, object?)> NewRuleTargetAsync()
        {
            var (path, _) = await NewContactMethodAsync();
            var user = path.Split('/')[4];
            return ($"/api/v1/users/{user}/notification-rules", new { contactMethodId = Guid.Parse(path.Split('/')[^1]), delayMinutes = 2 });
        }

        public async Task<(string, object?)> NewRuleAsync()
        {
            var (path, body) = await NewRuleTargetAsync();
            var id = await PostIdAsync(_host.Admin(), path, body!);
            return ($"{path}/{id}", null);
        }

        public object PolicyBody() => new
        {
            name = "policy-" + Guid.NewGuid().ToString("N")[..8],
            team = TeamA.ToString(),
            escalation_chain = new object[] { new { notify = Ids[Who.Responder].ToString(), wait = "5m" }, new { notify = Ids[Who.TeamAdmin].ToString() } },
        };

        public Task<Guid> NewPolicyOfAAsync() => PostIdAsync(_host.Admin(), "/api/v1/escalation-policies", PolicyBody());

        public Task<Guid> NewScheduleOfAAsync() => PostIdAsync(_host.Admin(), "/api/v1/schedules", ScheduleBody());

        /// <summary>A new schedule of team A with a calendar feed: the API path that manages it and the feed's own path.</summary>
        public async Task<(string Api, string Feed)> NewScheduleFeedAsync()
        {
            var schedule = await NewScheduleOfAAsync();
            var created = await _host.Admin().PostAsync($"/api/v1/schedules/{schedule}/calendar-feed", null);
            var url = new Uri((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
            return ($"/api/v1/schedules/{schedule}/calendar-feed", url.AbsolutePath);
        }

        public async Task<(string Api, string Feed)> NewUserFeedAsync()
        {
            var user = await NewUserAsync();
            var created = await _host.Admin().PostAsync($"/api/v1/users/{user}/calendar-feed", null);
            var url = new Uri((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
            return ($"/api/v1/users/{user}/calendar-feed", url.AbsolutePath);
        }

        public async Task<(string, object?)> NewOverrideOfAAsync()
        {
            var schedule = await NewScheduleOfAAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/schedules/{schedule}/overrides", OverrideBody());
            return ($"/api/v1/schedules/{schedule}/overrides/{id}", null);
        }

        public Task<Guid> NewSilenceOfAAsync() => PostIdAsync(_host.Admin(), "/api/v1/silences",
            new { service = "service-a", matchers = new[] { new { name = "alertname", value = "Matrix" } }, reason = "to expire", durationMinutes = 30 });

        public static readonly object Record = new { whatHappened = "h", whatWasDone = "d", failedAssumptions = "a", whatShouldChange = "c", cause = "x" };

        public static readonly object Snapshot = new { schema = "steady.snapshot/v1", host = new { hostname = "web-1" }, takenAt = "2026-11-24T08:00:00Z", findings = new[] { new { severity = "critical", area = "filesystem", text = "/var is 97% full" } } };

        /// <summary>A status page of its own (the first one made is the default, at /status) with a component "Checkout" and an open public incident.</summary>
        public async Task<(string Slug, Guid Incident)> NewStatusPageAsync()
        {
            var admin = _host.Admin();
            var slug = "p-" + Guid.NewGuid().ToString("N")[..10];
            await PostIdAsync(admin, "/api/v1/status-pages", new { name = "Page " + slug, slug });
            await PostIdAsync(admin, $"/api/v1/status-pages/{slug}/components", new { name = "Checkout" });
            return (slug, await PostIdAsync(admin, $"/api/v1/status-pages/{slug}/incidents", new { title = "Matrix", status = "investigating", body = "Looking." }));
        }

        /// <summary>A new page's group "Shop" (Checkout in it): the path to delete it.</summary>
        public async Task<(string, object?)> StatusGroupPathAsync()
        {
            var (slug, _) = await NewStatusPageAsync();
            await PostIdAsync(_host.Admin(), $"/api/v1/status-pages/{slug}/groups", new { name = "Shop" });
            return ($"/api/v1/status-pages/{slug}/groups/Shop", null);
        }

        /// <summary>A maintenance to schedule a day from the server's now.</summary>
        public object MaintenanceBody() => new { title = "Matrix work", startsAt = _host.Clock.GetUtcNow().AddDays(1), endsAt = _host.Clock.GetUtcNow().AddDays(1).AddHours(1), components = new[] { "Checkout" } };

        /// <summary>A new page's scheduled maintenance: its API path, and <paramref name="suffix"/>.</summary>
        public async Task<string> MaintenancePathAsync(string suffix)
        {
            var (slug, _) = await NewStatusPageAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/status-pages/{slug}/maintenances", MaintenanceBody());
            return $"/api/v1/status-pages/{slug}/maintenances/{id}{suffix}";
        }

        /// <summary>A new page's webhook subscriber: its API path, and its signed manage link's path.</summary>
        public async Task<(string ApiPath, string ManagePath)> SubscriberAsync()
        {
            var (slug, _) = await NewStatusPageAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/status-pages/{slug}/subscribers", new { kind = "webhook", address = "http://127.0.0.1:9/matrix" });
            var token = await _host.Services.GetRequiredService<Steady.Server.Features.StatusPage.SubscriberLinks>()
                .SignAsync(new Steady.Server.Features.StatusPage.SubscriberLink(Steady.Server.Features.StatusPage.SubscriberLinkPurpose.Manage, id, null, ""), CancellationToken.None);
            return ($"/api/v1/status-pages/{slug}/subscribers/{id}", $"/status/subscriptions/manage/{token}");
        }

        /// <summary>A path to a new public incident: <paramref name="format"/> with {0} the page's slug and {1} the incident's id; on the default page if asked.</summary>
        public async Task<(string, object?)> StatusIncidentPathAsync(string format, bool onDefault = false)
        {
            var (slug, incident) = await NewStatusPageAsync();
            if (onDefault)
            {
                var page = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/status-pages/default");
                slug = page.GetProperty("slug").GetString()!;
                incident = await PostIdAsync(_host.Admin(), $"/api/v1/status-pages/{slug}/incidents", new { title = "Matrix", status = "investigating", body = "Looking." });
            }
            return (string.Format(System.Globalization.CultureInfo.InvariantCulture, format, slug, incident), null);
        }

        /// <summary>A new SEV3 incident on service A, declared by the organization admin; its number.</summary>
        public async Task<int> NewIncidentOfAAsync()
        {
            var response = await _host.Admin().PostAsJsonAsync("/api/v1/incidents", new { title = "Matrix", severity = "SEV3", services = new[] { "service-a" } });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("number").GetInt32();
        }

        public async Task<int> NewResolvedIncidentOfAAsync()
        {
            var number = await NewIncidentOfAAsync();
            (await _host.Admin().PostAsJsonAsync($"/api/v1/incidents/{number}/status", new { status = "resolved", @override = "matrix" })).EnsureSuccessStatusCode();
            return number;
        }

        /// <summary>An action item of incident <paramref name="number"/>, owned by the team's responder.</summary>
        public object ActionItem(int number) =>
            new { incident = number.ToString(System.Globalization.CultureInfo.InvariantCulture), title = "matrix", type = "process", owner = Ids[Who.Responder].ToString(), dueAt = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero) };

        public async Task<Guid> NewActionItemOfAAsync() => await PostIdAsync(_host.Admin(), "/api/v1/action-items", ActionItem(await NewIncidentOfAAsync()));

        public async Task<int> NewIncidentWithScribeAsync()
        {
            var number = await NewIncidentOfAAsync();
            (await _host.Admin().PostAsJsonAsync($"/api/v1/incidents/{number}/roles", new { role = "scribe", user = Ids[Who.Viewer].ToString() })).EnsureSuccessStatusCode();
            return number;
        }

        /// <summary>A page that failed for good (to the viewer, by no contact method): what an admin may send again.</summary>
        public async Task<Guid> NewFailedDeliveryAsync()
        {
            var id = Guid.CreateVersion7();
            await _host.WithDbAsync(async (db, _) =>
            {
                var now = _host.Clock.GetUtcNow();
                db.Deliveries.Add(new Steady.Core.Paging.Delivery
                {
                    Id = id, RunId = Guid.CreateVersion7(), UserId = Ids[Who.Viewer], Target = "matrix", Urgency = Steady.Core.OnCall.Urgency.High, State = Steady.Core.Paging.DeliveryState.FailedPermanent,
                    Attempts = 1, DueAt = now, CreatedAt = now, IdempotencyKey = "matrix-" + id.ToString("N"), Error = "matrix",
                });
                return await db.SaveChangesAsync();
            });
            return id;
        }

        /// <summary>An incident with a page waiting for an answer (an escalation run due in an hour).</summary>
        public async Task<int> NewPagingIncidentOfAAsync()
        {
            var number = await NewIncidentOfAAsync();
            await _host.WithDbAsync(async (db, _) =>
            {
                var incident = await db.Incidents.SingleAsync(i => i.Number == number);
                var now = _host.Clock.GetUtcNow();
                db.EscalationRuns.Add(new Steady.Core.Paging.EscalationRunRecord
                {
                    Id = Guid.CreateVersion7(), IncidentId = incident.Id, PolicyId = Guid.Empty, TargetUserId = incident.DeclaredById, Key = "matrix", Reason = "matrix",
                    State = Steady.Core.Paging.RunState.Active, Urgency = Steady.Core.OnCall.Urgency.High, NextDueAt = now.AddHours(1), StartedAt = now, UpdatedAt = now,
                });
                return await db.SaveChangesAsync();
            });
            return number;
        }

        public async Task<string> NewIncidentChannelAsync()
        {
            var number = await NewIncidentOfAAsync();
            var response = await _host.Admin().PostAsJsonAsync($"/api/v1/incidents/{number}/channels", new { kind = "email", address = "war-room@example.com" });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return $"/api/v1/incidents/{number}/channels/{JsonDocument.Parse(text).RootElement[0].GetProperty("id").GetGuid()}";
        }

        public async Task<string> NewNoteAsync()
        {
            var number = await NewIncidentOfAAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/incidents/{number}/notes", new { text = "to pin" });
            return $"/api/v1/incidents/{number}/timeline/{id}";
        }

        public async Task<string> NewActionAsync()
        {
            var number = await NewIncidentOfAAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/incidents/{number}/actions", new { intent = "i", expectedEffect = "e" });
            return $"/api/v1/incidents/{number}/actions/{id}";
        }

        public async Task<string> NewEvidenceAsync()
        {
            var number = await NewIncidentOfAAsync();
            var id = await PostIdAsync(_host.Admin(), $"/api/v1/incidents/{number}/evidence", Snapshot);
            return $"/api/v1/incidents/{number}/evidence/{id}";
        }

        public static readonly object Submission = new { name = "Client", contact = "+49 30 1234", description = "Everything is down" };

        public async Task<object> LineBodyAsync() => new
        {
            client = "Client " + Guid.NewGuid().ToString("N")[..6],
            coveredSeverities = new[] { "SEV1" },
            hours = "24/7",
            purpose = "Stabilization in rare SEV1 incidents",
            boundaries = "No guaranteed response times",
            service = "service-a",
            escalationPolicy = (await NewPolicyOfAAsync()).ToString(),
        };

        public async Task<(Guid Id, string Key)> NewLineAsync()
        {
            var response = await _host.Admin().PostAsJsonAsync("/api/v1/emergency-lines", await LineBodyAsync());
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            var root = JsonDocument.Parse(text).RootElement;
            return (root.GetProperty("id").GetGuid(), root.GetProperty("key").GetString()!);
        }

        public Task<Guid> NewSubmissionAsync(string key) => PostIdAsync(_host.Anonymous(), $"/emergency-line/{key}", Submission);

        public async Task<Guid> NewSuspendedLineAsync()
        {
            var (id, key) = await NewLineAsync();
            for (var i = 0; i < 2; i++)
            {
                var submission = await NewSubmissionAsync(key);
                (await _host.Admin().PostAsJsonAsync($"/api/v1/emergency-submissions/{submission}/misuse", new { reason = "routine request" })).EnsureSuccessStatusCode();
            }
            return id;
        }

        public Task<Guid> NewFreezeAsync() => PostIdAsync(_host.Admin(), "/api/v1/freeze", new { service = "service-a", reason = "to lift" });

        public Task<Guid> NewMaintenanceOfAAsync() => PostIdAsync(_host.Admin(), "/api/v1/services/service-a/maintenance", new { reason = "to end", durationMinutes = 30 });

        public Task<Guid> NewKeyOfAAsync() => PostIdAsync(_host.Admin(), $"/api/v1/services/{ServiceA}/integration-keys", new { name = "temp" });

        public async Task<Guid> NewTokenOfSomeoneElseAsync()
        {
            var (_, token) = await _host.CreateUserAsync("Token Owner");
            var created = await _host.As(token).PostAsJsonAsync("/api/v1/tokens", new { name = "theirs" });
            created.EnsureSuccessStatusCode();
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetProperty("id").GetGuid();
        }

        private static async Task<Guid> PostIdAsync(HttpClient client, string path, object body)
        {
            var response = await client.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        }
    }
}
