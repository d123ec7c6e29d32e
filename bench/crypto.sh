#!/usr/bin/env bash
# Push crypto (issue 9, target 1): verify + decrypt of one signed, encrypted component_verify_ticket push, ours
# (OpenedPush.open, what the intake runs) beside WxJava's WxCryptUtil#decryptXml, one thread, JMH, one fork;
# and the same plus the message parse on both sides. Writes $RESULTS_DIR/crypto-jmh.json, crypto.csv, crypto.md.
# SMOKE=1: one 1 s warm-up and one 1 s iteration per benchmark (about a minute in all).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_build
# JMH's lock (/tmp/jmh.lock) would make this fail while another harness's JMH runs; the rounds interleave ours and
# WxJava, so both see the same load.
bench_java -Xms512m -Xmx512m -Djmh.ignoreLock=true -- io.wechatopen.camel.bench.crypto.PushCryptoRun
test -s "$RESULTS_DIR/crypto.csv" && [ "$(wc -l < "$RESULTS_DIR/crypto.csv")" -ge 5 ]
