#!/usr/bin/env bash
# Runs every fuzz target for the given time (seconds, default 600), two at a time (2 cores).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain works with RUSTC_BOOTSTRAP=1.
# Crashes land in fuzz/artifacts/<target>/; copy each fixed one into tests/fixtures/fuzz/<target>/
# so that tests/it/fuzz_regressions.rs keeps it as a regression test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECS="${1:-600}"
export RUSTC_BOOTSTRAP=1
targets=(front_matter card policy hook_input)
cargo fuzz build -O
run() {
  local t="$1"
  mkdir -p "corpus/$t"
  if [ "$t" = card ] && [ -d ../tests/fixtures/cards ]; then cp -n ../tests/fixtures/cards/*.md "corpus/$t/" 2>/dev/null || true; fi
  cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 > "fuzz-$t.log" 2>&1
  echo "$t: $(grep -E '^Done|#[0-9]+.*DONE' "fuzz-$t.log" | tail -1)"
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[$i]}" &
  if [ $((i + 1)) -lt ${#targets[@]} ]; then run "${targets[$((i + 1))]}" & fi
  wait
done
