#!/usr/bin/env bash
# Runs each libFuzzer target named on the command line for FUZZ_SECONDS
# (default 60), FUZZ_JOBS at a time (default: one per core), from its seed corpus in fuzz/corpus/<name>/.
# New inputs go to $FUZZ_BUILD/corpus/<name>/ (the seeds stay as they are);
# a crash, leak, timeout (> 1 s) or out-of-memory (> 2 GB) leaves its input
# in $FUZZ_BUILD/artifacts/ and fails the run. docs/fuzzing.md.
# FUZZ_TIMEOUT (seconds, default 1) is for long runs beside other work, where
# a starved process can pass 1 s of wall time on a fast input: an input over
# 1 s is still written as artifacts/<name>-slow-unit-*, to replay alone.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD:-build/fuzz}"
seconds="${FUZZ_SECONDS:-60}"

max_len() {
  case "$1" in
    lead_codec) echo 8192 ;;
    csv_import) echo 16384 ;;
    definition) echo 16384 ;;
    expression) echo 1024 ;;
    *) echo 4096 ;;
  esac
}

# One target: its run, its verdict line; exit status 1 on a failure.
run_one() {
  local name=$1
  local bin="$build/fuzz/${name}_fuzz"
  local work="$build/corpus/$name"
  local log="$build/$name.log"
  mkdir -p "$work" "$build/artifacts"
  if "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-1}" -report_slow_units=1 -max_len="$(max_len "$name")" \
       -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
       "$work" "$here/fuzz/corpus/$name" > "$log" 2>&1; then
    echo "== fuzz $name ${seconds}s: $(grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  else
    echo "fuzz: $name failed; the input is in $build/artifacts/, the log in $log" >&2
    grep -aE 'ERROR|invariant failed|Test unit written' "$log" | head -5 >&2 || true
    return 1
  fi
}

# FUZZ_JOBS targets at once (default: one per core), each for FUZZ_SECONDS.
jobs="${FUZZ_JOBS:-$(nproc)}"
echo "== fuzz: $# target(s), ${seconds}s each, $jobs at a time"
failed=()
pending=("$@")
while [ ${#pending[@]} -gt 0 ]; do
  batch=("${pending[@]:0:$jobs}")
  pending=("${pending[@]:$jobs}")
  pids=()
  for name in "${batch[@]}"; do
    run_one "$name" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${batch[$i]}")
  done
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
