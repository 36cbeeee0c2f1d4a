#!/usr/bin/env bash
# A/B of issue 14: before (71c2729) and after (0719538), alternated, whole output kept.
cd "$(dirname "$0")/../../.."
out="${OUT:-/tmp}"
for round in 1 2; do
  for ref in 71c2729 0719538; do
    echo "=== round $round ref $ref $(date -u +%T)"
    STEADY_REF=$ref PRIME=10 DURATION=9 WAIT_QUIET=20 BENCH_OUT=$out/intake-$ref-$round.json bench/intake/run.sh > $out/intake-$ref-$round.txt 2>&1
    echo "rc $?"
  done
done
