#!/usr/bin/env bash
# Token reads on the cache-hit path (issue 9, target 2): AuthorizerTokens.accessToken and the component token, ours
# beside WxJava 4.7.3.B's in-memory getters, at 1 and 2 threads, in one JMH run (TokenReadBenchmark, driven by
# TokenReadBench). Extra arguments: the number of rounds (default 2). SMOKE=1: one short round.
# Figures: $RESULTS_DIR/tokens.csv (subject,implementation,threads,ops_per_s,error_per_s) and tokens.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
rm -f "$RESULTS_DIR/tokens.csv"
bench_java -Xms256m -Xmx256m -- io.wechatopen.camel.bench.tokens.TokenReadBench "$@"
# No figures, no success (.ci/run runs the smoke mode).
test "$(wc -l < "$RESULTS_DIR/tokens.csv")" -ge 5
