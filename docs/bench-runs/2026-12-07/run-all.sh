#!/usr/bin/env bash
# The benchmark session of 2026-12-07, in the order it ran; each run's whole output is kept beside this script.
# Run from the repository's root on a quiet machine: docs/bench-runs/2026-12-07/run-all.sh
# (2026-12-07: all steps at 03:15 UTC; statuspage and intake-wrk again at 03:57 after 2e3a91e and the wrk script fixed,
# STEPS="statuspage intake-wrk"; the first statuspage output is kept as statuspage-before-cache.txt)
set -uo pipefail
out="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run() { # NAME COMMAND...: runs it, output to NAME.txt (and the terminal)
    local name="$1"; shift
    echo "==> $name: $* ($(date -u +%H:%M:%S) UTC)"
    { echo "\$ $*"; echo "# started $(date -u +%Y-%m-%dT%H:%M:%SZ)"; "$@"; echo "# exit $? at $(date -u +%Y-%m-%dT%H:%M:%SZ)"; } 2>&1 | tee "$out/$name.txt" | tail -40
}
for step in ${STEPS:-paging-before paging-after statuspage reports takeover intake-wrk intake-dotnet}; do
    case "$step" in
        paging-before) run paging-71c2729 env STEADY_REF=71c2729 WAIT_QUIET=30 BENCH_OUT="$out/paging-71c2729.json" bench/paging/run.sh ;;
        paging-after) run paging-0719538 env STEADY_REF=0719538 WAIT_QUIET=30 BENCH_OUT="$out/paging-0719538.json" bench/paging/run.sh ;;
        statuspage) run statuspage env BENCH_OUT="$out/statuspage.json" bench/statuspage/run.sh ;;
        reports) run reports env ALERTS=1000000 bench/reports/run.sh ;;
        takeover) run takeover env BENCH_OUT="$out/takeover.json" bench/takeover/run.sh ;;
        intake-wrk) run intake-wrk env BENCH_OUT="$out/intake-wrk.json" bench/intake/run.sh ;;
        intake-dotnet) run intake-dotnet env GENERATOR=dotnet PRIME=10 DURATION=9 BENCH_OUT="$out/intake-dotnet.json" bench/intake/run.sh ;;
    esac
done
