#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for N seconds each (default 10; first argument
# overrides), each on a temporary copy of its seed corpus, with -max_len=4096.
# Configures and builds the `fuzz` preset (build/fuzz, clang++) when needed.
# Runs one target per core at a time (SHIFTSIM_FUZZ_JOBS overrides). Prints one line per target;
# exits 1 if any target crashed, leaked, timed out or hit a sanitizer report. Reproducers are copied to tests/fuzz/crashes/<target>/.
set -euo pipefail

seconds=${1:-10}
if ! [[ $seconds =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "usage: $0 [seconds-per-target]" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build/fuzz"
targets=(fuzz_electricitymaps fuzz_electricitymaps_api fuzz_watttime fuzz_sgip fuzz_gzip fuzz_eirgrid fuzz_generic
         fuzz_csv fuzz_assemble fuzz_measured fuzz_workload_file fuzz_graph fuzz_trace
         fuzz_experiment fuzz_cluster_experiment)

cd "$root"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  echo "configuring build/fuzz (cmake --preset fuzz)"
  cmake --preset fuzz >/dev/null
fi
echo "building fuzz targets"
cmake --build "$build" --target fuzzers -j"$(nproc)" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/shiftsim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target per core at a time (each fuzzer is single-threaded): the same seconds per target,
# half the wall time on two cores. Each target's result line is written to its own file and the
# lines are printed in target order, so the report does not depend on which finished first.
run_target() {
  local t=$1 bin="$build/tests/fuzz/$1" log="$work/$1/log" rc runs cov corp kind saved a
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp -R "$here/corpus/$t/." "$work/$t/corpus/"
  set +e
  "$bin" -max_len=4096 -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  corp=$(find "$work/$t/corpus" -type f | wc -l)
  if (( rc == 0 )); then
    printf '%-26s ok     %9s runs in %ss, coverage %s edges, corpus %s inputs\n' \
      "$t" "${runs:-?}" "$seconds" "${cov:-?}" "$corp" > "$work/$t/result"
    return 0
  fi
  kind=$(grep -Eo 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [a-zA-Z -]+|runtime error: .*|fuzz invariant broken: .*' \
         "$log" | head -1 | sed 's/[[:space:]]*$//' || true)
  mkdir -p "$here/crashes/$t"
  saved=""
  for a in "$work/$t/artifacts"/*; do
    [[ -e $a ]] || continue
    cp "$a" "$here/crashes/$t/"
    saved+=" tests/fuzz/crashes/$t/$(basename "$a")"
  done
  cp "$log" "$here/crashes/$t/last.log"
  printf '%-26s FAILED (exit %s) %s; reproducer:%s; log: tests/fuzz/crashes/%s/last.log\n' \
    "$t" "$rc" "${kind:-see log}" "${saved:- none}" "$t" > "$work/$t/result"
  return 1
}

parallel=${SHIFTSIM_FUZZ_JOBS:-$(nproc)}
if ! [[ $parallel =~ ^[0-9]+$ ]] || (( parallel < 1 )); then
  echo "SHIFTSIM_FUZZ_JOBS must be a positive whole number, not '$parallel'" >&2
  exit 2
fi
running=0
for t in "${targets[@]}"; do
  if (( running >= parallel )); then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait || true

failed=0
for t in "${targets[@]}"; do
  if [[ -f $work/$t/result ]]; then
    cat "$work/$t/result"
    grep -q ' FAILED ' "$work/$t/result" && failed=1
  else
    echo "$t: no result (the runner itself failed)"
    failed=1
  fi
done

if (( failed )); then
  echo "FAIL: at least one fuzz target crashed (replay: build/fuzz/tests/fuzz/<target> <reproducer>)"
  exit 1
fi
echo "PASS: ${#targets[@]} fuzz targets, ${seconds}s each, no crash"
