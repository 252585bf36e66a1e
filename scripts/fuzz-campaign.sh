#!/usr/bin/env bash
# One fuzz campaign: `scripts/fuzz-campaign.sh TARGET [RUNS [SECONDS]]` (default 10,000,000
# executions, no time limit; with SECONDS it stops at whichever comes first) with
# cargo-fuzz on the nightly toolchain (`cargo install cargo-fuzz`). New inputs go to
# fuzz/work/TARGET (not committed); the seeds in fuzz/corpus/TARGET are read, never written.
# The log with libFuzzer's final statistics goes to fuzz/work/TARGET.log; a crash leaves its input
# in fuzz/artifacts/TARGET/ (minimise it with `cargo +nightly fuzz tmin TARGET FILE` and keep it
# in tests/fuzz-regressions/TARGET/).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=$1
runs=${2:-10000000}
seconds=${3:-0}
mkdir -p "work/$target"
start=$(date +%s)
set +e
cargo +nightly fuzz run --sanitizer none "$target" "work/$target" "corpus/$target" -- \
    -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 > "work/$target.log" 2>&1
rc=$?
set -e
echo "exit=$rc seconds=$(( $(date +%s) - start ))" >> "work/$target.log"
grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb|cov:" "work/$target.log" | tail -4
echo "exit=$rc seconds=$(( $(date +%s) - start ))"
exit $rc
