#!/usr/bin/env python3
"""A year of on-call for the reports benchmark, written straight into a stopped Steady's SQLite database.

Phase 'setup' (server running, through the API): PEOPLE people in TEAMS teams, ROTATIONS weekly Berlin
rotations (a primary and a secondary per team, each of a team's people), a policy per team over them, two
services per team. Phase 'fill' (server stopped, SQLite): ALERTS alerts over DAYS days (in groups, 60% of
them resolved by their source within minutes, the rest acknowledged and resolved by a person), a page per
paging group to whoever the primary had on call (approximated: the team's people in weekly turns) until
DELIVERIES deliveries, and INCIDENTS incidents with their services and timelines.
"""
import json, os, random, sqlite3, sys, time, urllib.request, uuid

def env(name, default):
    return int(os.environ.get(name, default))

PEOPLE, TEAMS, ROTATIONS = env("PEOPLE", 30), env("TEAMS", 3), env("ROTATIONS", 6)
ALERTS, DELIVERIES, INCIDENTS, DAYS = env("ALERTS", 100000), env("DELIVERIES", 50000), env("INCIDENTS", 500), env("DAYS", 365)
NOW = int(time.time() * 1_000_000)
DAY = 86_400_000_000
MIN = 60_000_000

def api(base, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None

def setup(base, token):
    per_team = PEOPLE // TEAMS
    for t in range(TEAMS):
        team = api(base, token, "POST", "/teams", {"name": f"Bench {t}"})
        people = []
        for p in range(per_team):
            user = api(base, token, "POST", "/users", {"name": f"Bench Person {t}-{p}", "email": f"bench.{t}.{p}@example.com", "timeZone": random.choice(["Europe/Berlin", "Europe/London", "America/New_York"])})
            api(base, token, "PUT", f"/teams/{team['id']}/members/{user['id']}", {"role": "responder"})
            method = api(base, token, "POST", f"/users/{user['id']}/contact-methods", {"kind": "email", "label": "work email", "address": f"bench.{t}.{p}@example.com"})
            api(base, token, "POST", f"/users/{user['id']}/notification-rules", {"contactMethodId": method["id"], "delayMinutes": 0})
            people.append(user["id"])
        names = []
        for r in range(ROTATIONS // TEAMS):
            name = f"bench-{t}-{'primary' if r == 0 else 'secondary' if r == 1 else r}"
            order = people[r:] + people[:r]
            api(base, token, "POST", "/schedules", {"name": name, "team": team["id"], "timeZone": "Europe/Berlin",
                "layers": [{"name": "weekly", "participants": order, "firstHandoff": "2025-01-06T09:00", "rotation": "weekly"}]})
            names.append(name)
        policy = api(base, token, "POST", "/escalation-policies", {"name": f"bench-{t}", "team": f"Bench {t}", "escalation_chain": [{"notify": n, "wait": "5m"} for n in names]})
        for s in range(2):
            service = api(base, token, "POST", "/services", {"name": f"bench-{t}-svc-{s}", "teamId": team["id"]})
            api(base, token, "PATCH", f"/services/{service['id']}", {"escalationPolicy": policy["id"]})

def uid():
    return str(uuid.uuid4()).upper()

def fill(path):
    db = sqlite3.connect(path)
    services = db.execute("SELECT s.id, s.team_id, s.escalation_policy_id FROM services s WHERE s.name LIKE 'bench-%'").fetchall()
    members = {}
    for team_id, user_id, method_id in db.execute("SELECT m.team_id, m.user_id, c.id FROM memberships m JOIN contact_methods c ON c.user_id = m.user_id JOIN users u ON u.id = m.user_id WHERE u.email LIKE 'bench.%'"):
        members.setdefault(team_id, []).append((user_id, method_id))
    names = ["DiskFull", "HighLatency", "PodRestarting", "ErrorRate", "QueueBacklog", "CertExpiry", "MemoryPressure", "ReplicationLag"]
    groups, alerts, events, runs, deliveries = [], [], [], [], []
    start = NOW - DAYS * DAY
    paged = 0
    i = 0
    while i < ALERTS:
        service_id, team_id, policy_id = random.choice(services)
        name = random.choice(names)
        opened = start + random.randrange(DAYS * DAY - DAY)
        size = min(random.choice([1, 1, 1, 2, 3, 5]), ALERTS - i)
        gid = uid()
        transient = random.random() < 0.6
        open_for = random.randrange(MIN, 5 * MIN) if transient else random.randrange(10 * MIN, 180 * MIN)
        groups.append((gid, service_id, f"bench:{gid}", json.dumps({"alertname": name}), f"{name} on {service_id[:8]}", 0, opened, opened + open_for // 2, opened + open_for, size, 0, "Critical", None, 0))
        ack = None if transient else opened + random.randrange(MIN // 2, 15 * MIN)
        team = members[team_id]
        person, method = team[((opened - start) // (7 * DAY)) % len(team)]
        for k in range(size):
            aid = uid()
            first = opened + k * 1_000_000
            alerts.append((aid, service_id, gid, f"bench-{aid}", 1, None, "Resolved", "Critical", f"{name} on host-{k}", f"host-{k}",
                           json.dumps({"alertname": name, "instance": f"host-{k}:9100"}), None, None, "alertmanager", first, opened + open_for, 1,
                           ack, None if ack is None else person, None if ack is None else "Bench", opened + open_for, None if transient else person, "alertmanager" if transient else "Bench", None, None, 0, 0))
            events.append((uid(), aid, service_id, f"bench-{aid}", first, "triggered", None, "alertmanager", None))
            if ack is not None:
                events.append((uid(), aid, service_id, f"bench-{aid}", ack, "acknowledged", person, "Bench", None))
            events.append((uid(), aid, service_id, f"bench-{aid}", opened + open_for, "resolved", None if transient else person, "alertmanager" if transient else "Bench", None))
        i += size
        if paged < DELIVERIES:
            runs.append((gid, gid, None, service_id, policy_id, None, None, None, "resolved", "high", 0, 0, None, opened, opened + open_for, opened, "resolved", None, None, 0))
            did = uid()
            deliveries.append((did, gid, gid, None, service_id, person, method, "email", "work email", 0, 0, "high", "sent", 1, opened, opened, opened + 2_000_000, opened + 2_000_000, None, "bench-" + did, did, None, "step 1: at once", "page", None))
            paged += 1
    db.executemany("INSERT INTO alert_groups VALUES (" + ",".join("?" * 14) + ")", groups)
    db.executemany("INSERT INTO alerts VALUES (" + ",".join("?" * 27) + ")", alerts)
    db.executemany("INSERT INTO alert_events VALUES (" + ",".join("?" * 9) + ")", events)
    db.executemany("INSERT INTO escalation_runs VALUES (" + ",".join("?" * 20) + ")", runs)
    db.executemany("INSERT INTO deliveries (id, run_id, group_id, incident_id, service_id, user_id, contact_method_id, channel, target, step, pass, urgency, state, attempts, due_at, created_at, last_attempt_at, sent_at, error, idempotency_key, sent_as, lease_owner, reason, kind, alert_id) VALUES (" + ",".join("?" * 25) + ")", deliveries)
    number = (db.execute("SELECT COALESCE(MAX(number), 0) FROM incidents").fetchone()[0])
    commander = db.execute("SELECT id, name FROM users WHERE email LIKE 'bench.%' LIMIT 1").fetchone()
    for n in range(INCIDENTS):
        service_id, team_id, _ = random.choice(services)
        started = start + random.randrange(DAYS * DAY - DAY)
        declared = started + random.randrange(MIN, 20 * MIN)
        iid = uid()
        db.execute("INSERT INTO incidents (id, number, title, severity, status, team_id, declared_at, declared_by_id, declared_by, started_at, acknowledged_at, mitigated_at, resolved_at, closed_at, cadence_done, postmortem_required, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (iid, number + n + 1, f"Bench incident {n}", random.choice(["SEV2", "SEV3", "SEV3"]), "Closed", team_id, declared, commander[0], commander[1], started,
                    started + random.randrange(MIN, 15 * MIN), declared + random.randrange(5 * MIN, 60 * MIN), declared + random.randrange(60 * MIN, 300 * MIN), declared + DAY, "None", 0, 0))
        db.execute("INSERT INTO incident_services VALUES (?, ?)", (iid, service_id))
    db.commit()
    print(f"{len(alerts)} alerts in {len(groups)} groups, {len(events)} events, {len(deliveries)} deliveries, {INCIDENTS} incidents", file=sys.stderr)

if __name__ == "__main__":
    random.seed(20261206)
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3])
    else:
        fill(sys.argv[2])
