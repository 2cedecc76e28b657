#!/usr/bin/env bash
# Fuzz the scenario loader and the rule-file loader (issue 13). Not in CI.
#
#   bash fuzz/run.sh            # every target, 1,000,000 executions each
#   RUNS=100000 bash fuzz/run.sh scenario
#
# Installs cargo-fuzz (pinned) if missing, seeds each target's corpus from the library, then runs
# libFuzzer. Only a stable toolchain exists here; cargo-fuzz passes -Z flags (sanitizer coverage),
# which RUSTC_BOOTSTRAP=1 allows on stable. A crash leaves fuzz/artifacts/TARGET/crash-*: turn it
# into a regression test in scenarios/src/validate/tests.rs (the input inline) and fix it.
set -euo pipefail
cd "$(dirname "$0")"
CARGO_FUZZ_VERSION=0.12.0
RUNS="${RUNS:-1000000}"
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
export RUSTC_BOOTSTRAP=1
# The corpus is copied from the library on every run (not committed): scenarios, rule files,
# and the expectations files (TOML too; they exercise the parser's paths).
mkdir -p corpus/scenario corpus/rules
cp ../scenarios/library/*.toml ../expectations/*.toml corpus/scenario/
cp ../rules/*.toml corpus/rules/
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(scenario rules)
for target in "${targets[@]}"; do
    # No sanitizer: the std of a stable toolchain is not instrumented for ASan, and the loaders
    # are safe Rust; a panic is what we look for. -max_len: the loader refuses files over 4 MiB,
    # and real scenarios are a few KiB.
    cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
        -runs="$RUNS" -max_len=16384 -print_final_stats=1
done
