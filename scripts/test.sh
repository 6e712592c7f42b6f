#!/usr/bin/env bash
# Set up the dev environment, make sure a browser is there for the end-to-end test, run pytest.
# Extra arguments go to pytest (e.g. `scripts/test.sh -k data -x`).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[test] %s\n' "$*" >&2; }

bash scripts/setup.sh --dev

# The browser test drives Debian's chromium (Playwright's own browser downloads are not used).
CHROMIUM=/usr/bin/chromium
if [[ ! -x $CHROMIUM ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's chromium for the browser test"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends chromium >/dev/null
    else
        say "WARNING: $CHROMIUM is missing and cannot be installed here (needs root and apt-get)."
        say "         Install it with 'sudo apt-get install chromium'; the browser test is skipped (fails when CI=true)."
    fi
fi

mkdir -p test-artifacts
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e

if [[ $status == 5 ]]; then
    say "ERROR: pytest collected no tests. An empty run is a failure, not a pass:"
    say "       check testpaths in pyproject.toml and the test file names (tests/**/test_*.py)."
    exit 1
fi
exit $status
