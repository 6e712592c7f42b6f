"""The Data page and ``python -m recsys stats`` stay light: reading and checking files never
imports TensorFlow (about 500 MB resident and seconds of import time), so hostile files are
refused quickly and within the memory limits the README states."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("tensorflow", "keras")


@pytest.mark.parametrize("module", ["recsys.ui.session.loading", "recsys.ui.views.data_view", "recsys.ui.charts"])
def test_the_loading_path_does_not_import_tensorflow(module):
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"
