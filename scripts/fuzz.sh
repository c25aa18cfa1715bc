#!/usr/bin/env bash
# Runs each libFuzzer target named on the command line for FUZZ_SECONDS
# (default 60), one after another, from its seed corpus in fuzz/corpus/<name>/.
# New inputs go to $FUZZ_BUILD/corpus/<name>/ (the seeds stay as they are);
# a crash, leak, timeout (> 1 s) or out-of-memory (> 2 GB) leaves its input
# in $FUZZ_BUILD/artifacts/ and fails the run. docs/fuzzing.md.
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

failed=()
for name in "$@"; do
  bin="$build/fuzz/${name}_fuzz"
  work="$build/corpus/$name"
  mkdir -p "$work" "$build/artifacts"
  echo "== fuzz $name for ${seconds}s"
  log="$build/$name.log"
  if "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=1 -max_len="$(max_len "$name")" \
       -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
       "$work" "$here/fuzz/corpus/$name" > "$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
  else
    echo "fuzz: $name failed; the input is in $build/artifacts/, the log in $log" >&2
    grep -E 'ERROR|invariant failed|Test unit written' "$log" | head -5 >&2 || true
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
