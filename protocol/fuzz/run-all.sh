#!/usr/bin/env bash
# Runs every fuzz target of commons-protocol for SECONDS seconds each (default 30), on
# the stable toolchain (`-s none`: no sanitizer). Each target starts from its growing
# corpus in corpus/TARGET (not committed) and the committed seeds in seeds/TARGET,
# which libFuzzer only reads. Every target runs; the script then exits non-zero if
# any of them crashed, panicked, timed out or ran out of memory, with the input left
# in artifacts/TARGET/.
#
# Usage: protocol/fuzz/run-all.sh [SECONDS]      (needs `cargo install cargo-fuzz`)
set -euo pipefail

seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: $0 [SECONDS]   (a positive whole number of seconds per target)" >&2
    exit 2
fi
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

targets=$(cargo fuzz list)
if [ -z "$targets" ]; then
    echo "no fuzz targets found" >&2
    exit 2
fi

cargo fuzz build -s none

failed=()
for target in $targets; do
    mkdir -p "corpus/$target"
    corpus=("corpus/$target")
    if [ -d "seeds/$target" ]; then
        corpus+=("seeds/$target")
    fi
    echo "=== $target: ${seconds}s"
    if ! cargo fuzz run -s none "$target" "${corpus[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
        echo "=== $target FAILED: see protocol/fuzz/artifacts/$target/" >&2
        failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzzing found failures in: ${failed[*]}" >&2
    exit 1
fi
echo "all fuzz targets ran ${seconds}s each without a failure"
