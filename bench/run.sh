#!/usr/bin/env bash
# Regenerates every benchmark of BENCHMARKS.md, then the plots: bash bench/run.sh
# bash bench/run.sh --smoke: each harness briefly (what .ci/run does); names select some: bash bench/run.sh crypto
# Each harness is bench/<name>.sh; figures go to bench/target/results/, plots to bench/plots/.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "--smoke" ]; then export SMOKE=1; shift; fi
source ./lib.sh
names=("$@")
if [ "${#names[@]}" = 0 ]; then names=(crypto tokens intake sweep startup plots); fi
bench_build
machine_summary | tee "$RESULTS_DIR/machine.txt"
for name in "${names[@]}"; do
  if [ ! -f "./$name.sh" ]; then echo "no harness bench/$name.sh" >&2; exit 2; fi
  echo "== $name"
  bash "./$name.sh"
done
