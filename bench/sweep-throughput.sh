#!/usr/bin/env bash
# Sweep throughput of one and of two standalone instances on one PostgreSQL database, WeChat (the sandbox)
# answering api_authorizer_token after 50 ms. Needs PostgreSQL on 127.0.0.1:5432 (see README, Testing).
# Extra arguments go to Maven, e.g. -Dbench.accounts=5000 -Dbench.concurrency=16 -Dbench.latency-ms=50.
# Figures: target/bench/sweep-throughput.md (copied into BENCHMARKS.md by hand, with the command).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -DskipTests
mvn -B -ntp failsafe:integration-test failsafe:verify -Dit.test=SweepThroughputBench "$@"
cat target/bench/sweep-throughput.md
