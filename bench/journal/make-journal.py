#!/usr/bin/env python3
"""Writes journal export-format text for the journal import benchmark: ENTRIES entries over a
10-minute window on host web-1, as a busy service host logs them: 90% info lines from three
services, warnings, errors (a "connection pool exhausted" burst among them, numbers and ids that
vary), systemd's unit messages for a crash and restart, and kernel lines. Deterministic (seeded)."""
import random, sys, uuid

entries = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
start = 1_795_525_800_000_000  # 2026-11-24T13:10:00Z in microseconds
span = 600_000_000
rng = random.Random(6)
out = sys.stdout
boot = "4f1c2a9be0d94c5e8a7b6c5d4e3f2a1b"
units = ["myapp.service", "nginx.service", "worker.service"]
for i in range(entries):
    t = start + span * i // entries
    r = rng.random()
    fields = {}
    if r < 0.90:
        u = units[i % 3]
        fields = {"_TRANSPORT": "stdout", "_SYSTEMD_UNIT": u, "SYSLOG_IDENTIFIER": u[:-8], "_COMM": u[:-8], "_PID": str(4000 + i % 3), "PRIORITY": "6",
                  "MESSAGE": f"GET /api/orders/{rng.randint(1, 10**6)} 200 in {rng.randint(1, 90)}ms"}
    elif r < 0.95:
        fields = {"_TRANSPORT": "stdout", "_SYSTEMD_UNIT": "nginx.service", "SYSLOG_IDENTIFIER": "nginx", "_COMM": "nginx", "_PID": "900", "PRIORITY": "4",
                  "MESSAGE": f"upstream response time {rng.random() * 3:.2f}s for request {uuid.UUID(int=rng.getrandbits(128))}"}
    elif r < 0.995:
        fields = {"_TRANSPORT": "stdout", "_SYSTEMD_UNIT": "myapp.service", "SYSLOG_IDENTIFIER": "myapp", "_COMM": "java", "_PID": "4242", "PRIORITY": "3",
                  "MESSAGE": f"connection pool exhausted (waited {rng.randint(1000, 9000)} ms, 20/20 in use, request {uuid.UUID(int=rng.getrandbits(128))})"}
    elif r < 0.998:
        fields = {"_TRANSPORT": "kernel", "SYSLOG_IDENTIFIER": "kernel", "PRIORITY": "6", "MESSAGE": f"eth0: renamed from veth{rng.getrandbits(24):06x}"}
    else:
        fields = {"_TRANSPORT": "journal", "_SYSTEMD_UNIT": "init.scope", "SYSLOG_IDENTIFIER": "systemd", "_COMM": "systemd", "_PID": "1", "UNIT": "worker.service",
                  "MESSAGE_ID": "5eb03494b6584870a536b337290809b3", "PRIORITY": "6", "MESSAGE": f"worker.service: Scheduled restart job, restart counter is at {i}."}
    out.write(f"__REALTIME_TIMESTAMP={t}\n__MONOTONIC_TIMESTAMP={1_000_000 + i * 1000}\n_BOOT_ID={boot}\n_HOSTNAME=web-1\n")
    for k, v in fields.items():
        out.write(f"{k}={v}\n")
    out.write("\n")
