"""``recsys`` imports streamlit only inside ``recsys/ui``, so the library, the CLI and the
benchmarks run without the app (a convention of ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "recsys"
UI = PACKAGE / "ui"


def streamlit_imports(path: Path) -> list[int]:
    """Line numbers of ``import streamlit...`` / ``from streamlit... import`` in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def test_the_check_sees_imports():
    # The UI package does import streamlit; if this finds nothing the check itself is broken.
    assert streamlit_imports(UI / "session" / "loading.py")


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(PACKAGE.rglob("*.py")) if UI not in p.parents],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_streamlit_import_outside_ui(path: Path):
    found = streamlit_imports(path)
    assert not found, f"{path.relative_to(ROOT)} imports streamlit on line(s) {found}; move that code to recsys/ui/"


def test_importing_the_data_layer_does_not_load_streamlit():
    # Catches indirect imports too (a module outside ui importing one inside it).
    code = "import sys, recsys, recsys.data, recsys.errors; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
