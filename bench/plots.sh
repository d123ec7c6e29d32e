#!/usr/bin/env bash
# Draws BENCHMARKS.md's plots from the CSV files the other harnesses wrote: bash bench/run.sh plots
# Plots go to bench/plots/ (committed); with SMOKE=1 to $RESULTS_DIR/plots/, so a smoke run never replaces them.
source "$(dirname "$0")/lib.sh"
bench_build
if [ "$SMOKE" = 1 ]; then plots_dir="$RESULTS_DIR/plots"; else plots_dir="$BENCH_DIR/plots"; fi
bench_java -- io.wechatopen.camel.bench.plots.Plots "$RESULTS_DIR" "$plots_dir"
