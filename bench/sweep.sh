#!/usr/bin/env bash
# The authorizer refresh sweep at 100,000 authorizers (issue 9, target 4): standalone instances (-Xmx256m) on one
# PostgreSQL database (127.0.0.1:5432, see README, Testing), the sandbox answering api_authorizer_token after 50 ms.
# One instance at concurrency 8, 16, 32 and 64 (20,000 due accounts each), all 100,000 at 8 and at the best, then two
# instances at 8. SMOKE=1: 1,000 accounts, concurrency 8, one instance. Extra arguments are JVM options of the
# harness, e.g. -Dbench.accounts=50000 -Dbench.concurrencies=8,32 -Dbench.scan-accounts=10000 -Dbench.latency-ms=50
# -Dbench.skew=30m. Figures: $RESULTS_DIR/sweep.csv and sweep.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
rm -f "$RESULTS_DIR/sweep.csv" "$RESULTS_DIR/sweep.md"
bench_java -Xmx1g "$@" -- io.wechatopen.camel.bench.sweep.SweepBench
if [ "$(wc -l < "$RESULTS_DIR/sweep.csv" 2>/dev/null || echo 0)" -lt 2 ]; then
  echo "sweep: no figures in $RESULTS_DIR/sweep.csv" >&2
  exit 1
fi
