#!/usr/bin/env bash
# The browser and UI tests on a busy machine: run them RUNS times in a row (default 3) while BUSY
# processes (default: one per core) keep every core loaded, and report each run. Exits non-zero
# if any run fails. Extra arguments go to pytest (e.g. `scripts/stress_test.sh -x`).
#   RUNS=1 BUSY=4 bash scripts/stress_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
busy=${BUSY:-$(nproc)}
say() { printf '[stress] %s\n' "$*" >&2; }

bash scripts/setup.sh --dev >/dev/null
pids=()
stop_busy() { ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null; true; }
trap stop_busy EXIT
for _ in $(seq "$busy"); do
    # a pure-CPU loop per core, at normal priority, so that the tests compete for every core
    python3 -c 'while True: pass' &
    pids+=($!)
done
say "$busy busy processes started; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p test-artifacts
failed=0
for run in $(seq "$runs"); do
    start=$(date +%s)
    set +e
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/browser tests/ui "$@" >"test-artifacts/stress-run-$run.log" 2>&1
    status=$?
    set -e
    summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)|^[0-9]+ (passed|failed)' "test-artifacts/stress-run-$run.log" | tail -1)
    say "run $run/$runs: exit $status in $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg): $summary"
    ((status == 0)) || failed=1
done
exit $failed
