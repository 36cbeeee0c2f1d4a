#!/usr/bin/env python3
"""Intake latency while reports run (the bar's "computing them does not slow intake or paging"), against a running Steady.

usage: intake-during.py URL ADMIN_TOKEN INTEGRATION_KEY [SECONDS]
Sends one Alertmanager alert (a new group each) every 50 ms for SECONDS (30) with nothing else asked, then again while
another thread asks for the response, on-call and noise reports over the last 365 days back to back; prints each
phase's intake latency (p50, p99, max), refusals, and the reports' times. Point it at the reports benchmark's kept
database (KEEP_DB) served again, with an integration key made for one of its services.
"""
import datetime, json, sys, threading, time, urllib.error, urllib.request, uuid

base, token, key = sys.argv[1], sys.argv[2], sys.argv[3]
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 30.0

def intake(seconds):
    latencies, refused = [], 0
    end = time.time() + seconds
    while time.time() < end:
        fp = uuid.uuid4().hex
        body = json.dumps({"version": "4", "groupKey": "{}:{fingerprint=\"%s\"}" % fp, "status": "firing", "receiver": "steady",
            "alerts": [{"status": "firing", "labels": {"alertname": "IntakeDuringReports", "severity": "warning", "instance": fp},
                        "annotations": {"summary": "intake during reports"}, "startsAt": "2026-01-01T00:00:00Z", "fingerprint": fp}]}).encode()
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{base}/intake/{key}/alertmanager", data=body, method="POST", headers={"Content-Type": "application/json"})) as r:
                r.read()
        except urllib.error.HTTPError:
            refused += 1
        latencies.append(time.perf_counter() - started)
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))
    latencies.sort()
    at = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    return f"{len(latencies)} alerts, {refused} refused: p50 {at(0.5):.1f} ms, p99 {at(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms"

def reports(stop, times):
    since = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=365)).strftime("%Y-%m-%d")
    while not stop.is_set():
        for report in ("noise", "oncall", "response"):
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/reports/{report}?from={since}", headers={"Authorization": "Bearer " + token})) as r:
                r.read()
            times.append((report, time.perf_counter() - started))

print("alone:        ", intake(seconds))
stop, times = threading.Event(), []
thread = threading.Thread(target=reports, args=(stop, times))
thread.start()
print("with reports: ", intake(seconds))
stop.set()
thread.join()
print("reports meanwhile:", ", ".join(f"{name} {t:.2f} s" for name, t in times))
