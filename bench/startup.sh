#!/usr/bin/env bash
# Start-up and footprint of the standalone jar (issue 9, target 5): 5 starts on H2 with the sandbox (the README's
# run) alternating with 5 on a fresh PostgreSQL database with the sandbox off; SMOKE=1: one start on H2.
# Figures: $RESULTS_DIR/startup.csv and startup.md; each start's log in $RESULTS_DIR/startup-logs/.
# Then one Karaf run (KarafDeploymentIT's set-up: Karaf 4.4.8 from target/karaf-dist, the Camel stand-in features, the
# Maven repository of MAVEN_OPTS' -Dmaven.repo.local or ~/.m2/repository); STARTUP_KARAF=false skips it.
# Each run also starts the jar with the README's optional class-data sharing archive (made by one training start);
# STARTUP_APPCDS=false skips that.
# STARTUP_JVM_OPTIONS adds options to the started JVMs; STARTUP_BASELINE=DIR (a jar, config/ and routes/ of an
# older build) interleaves starts of that build for a before/after in the same run.
source "$(dirname "$0")/lib.sh"
bench_build
rm -f "$RESULTS_DIR/startup.csv"
repo="$(printf '%s' "${MAVEN_OPTS:-}" | sed -n 's/.*-Dmaven\.repo\.local=\([^ ]*\).*/\1/p')"
bench_java -Dbench.maven.repository="${repo:-$HOME/.m2/repository}" -Dbench.startup.karaf="${STARTUP_KARAF:-true}" \
  -Dbench.startup.appcds="${STARTUP_APPCDS:-true}" \
  -Dbench.startup.jvm-options="${STARTUP_JVM_OPTIONS:-}" -Dbench.startup.baseline="${STARTUP_BASELINE:-}" \
  -- io.wechatopen.camel.bench.startup.StartupBench
if [ "$(wc -l < "$RESULTS_DIR/startup.csv")" -lt 2 ]; then
  echo "startup: no figures in $RESULTS_DIR/startup.csv" >&2
  exit 1
fi
