#!/usr/bin/env bash
# Durable push intake over HTTP (issue 9, target 3): the standalone jar on H2 (file) and on PostgreSQL (a fresh
# schema), ticket pushes posted over 1, 16 and 64 loopback connections for 30 s each, every push answered `success`
# looked up in the database afterwards, and pgbench's one-row insert-and-commit rate at the same client counts in the
# same run. Needs PostgreSQL on 127.0.0.1:5432 (user postgres, db test; WECHAT_TEST_POSTGRES_URL/_USER/_PASSWORD) and
# pgbench on the PATH; SMOKE=1: 3 s at 1 and 4 connections, H2 only unless PostgreSQL answers.
# Extra JVM options go to the bench, e.g. bash bench/intake.sh -Dbench.intake.jfr=bench/target/jfr
# Figures: $RESULTS_DIR/intake.csv and intake.md.
source "$(dirname "$0")/lib.sh"
bench_build
bench_java -Xmx3g "$@" -- io.wechatopen.camel.bench.intake.IntakeBench
test -s "$RESULTS_DIR/intake.csv" && [ "$(wc -l < "$RESULTS_DIR/intake.csv")" -gt 1 ]
