# Shared by the bench scripts (sourced, not run). Builds the bundle and this project once per shell, and offers
# bench_java to start a class of this project with the right class path.
# SMOKE=1 makes every harness run briefly: it only shows that the harness runs and produces numbers (.ci/run).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(dirname "$BENCH_DIR")"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/target/results}"
SMOKE="${SMOKE:-0}"
mkdir -p "$RESULTS_DIR"

bench_build() {
  if [ "${BENCH_BUILT:-0}" = 1 ]; then return; fi
  (cd "$PROJECT_DIR" && mvn -B -q -ntp install -DskipTests -Dformatter.skip -Dimpsort.skip)
  (cd "$BENCH_DIR" && mvn -B -q -ntp package)
  export BENCH_BUILT=1
}

# bench_java [jvm options...] -- main.Class [arguments...]
bench_java() {
  local jvm=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  shift
  java "${jvm[@]}" -Dwechat.project.dir="$PROJECT_DIR" -Dbench.results="$RESULTS_DIR" -Dbench.smoke="$SMOKE" \
    -cp "$BENCH_DIR/target/classes:$(cat "$BENCH_DIR/target/classpath.txt")" "$@"
}

machine_summary() {
  printf 'cores=%s memory=%s java=%s\n' "$(nproc)" "$(free -g | awk '/Mem:/{print $2 "GiB"}')" \
    "$(java -version 2>&1 | head -n1)"
}
