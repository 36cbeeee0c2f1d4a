#!/usr/bin/env python3
"""What each report costs the server's garbage collector, against a running Steady (the kept 1M-alert database served again).

usage: gc-per-report.py URL ADMIN_TOKEN [RUNS]
Asks for each report over the last 365 days RUNS (3) times, one at a time, and prints per request its time, the bytes
it allocated, the collections it caused (and the server's working set after it) by generation and the time the server stood paused for them (from /metrics:
the runtime's own counters). A gen2 collection of the workstation non-concurrent GC (what Release ships) stops every
thread, the intake writer and the paging workers with it.
"""
import datetime, re, sys, time, urllib.request

base, token = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3

def metrics():
    text = urllib.request.urlopen(base + "/metrics").read().decode()
    def value(pattern):
        m = re.search("^" + pattern + r" (\S+)$", text, re.M)
        return float(m.group(1)) if m else 0.0
    return {"rss": value("process_working_set_bytes"), "alloc": value("system_runtime_dotnet_gc_heap_total_allocated"), "pause": value("system_runtime_dotnet_gc_pause_time"),
            **{f"gen{g}": value(r'dotnet_collection_count_total\{generation="%d"\}' % g) for g in range(3)}}

since = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=365)).strftime("%Y-%m-%d")
print(f"{'report':9} {'s':>5} {'alloc MB':>9} {'gen0':>5} {'gen1':>5} {'gen2':>5} {'paused ms':>10} {'RSS MB after':>13}")
for report in ("noise", "oncall", "response"):
    for _ in range(runs):
        before, started = metrics(), time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/reports/{report}?from={since}", headers={"Authorization": "Bearer " + token})) as r:
            r.read()
        seconds, after = time.perf_counter() - started, metrics()
        d = {k: after[k] - before[k] for k in after}
        print(f"{report:9} {seconds:5.2f} {d['alloc'] / 1e6:9.0f} {d['gen0']:5.0f} {d['gen1']:5.0f} {d['gen2']:5.0f} {d['pause'] * 1000:10.0f} {after['rss'] / 1e6:13.0f}")
