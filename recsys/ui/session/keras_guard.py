"""Keep Streamlit from resetting Keras while a model runs in another thread.

After every script run Streamlit calls ``keras.backend.clear_session()`` (in
``streamlit.runtime.scriptrunner.script_runner._clean_problem_modules``), which clears
TensorFlow's kernel cache. If a training thread, or another session's script, is running a
TensorFlow op at that moment, the whole server crashes (segmentation fault; seen in Streamlit
1.67 with TensorFlow 2.21). RecLens keeps its models in ``st.cache_resource`` and trains in
background threads, so it needs neither the reset nor the risk: ``install`` replaces that clean-up
with one that leaves Keras alone and still closes matplotlib figures.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["install", "installed"]

log = logging.getLogger(__name__)


def _clean_without_keras() -> None:
    if "matplotlib.pyplot" in sys.modules:
        try:
            sys.modules["matplotlib.pyplot"].close("all")
        except Exception:  # noqa: BLE001 - never break a script run over figure clean-up
            pass


_clean_without_keras.reclens_guard = True


def installed() -> bool:
    from streamlit.runtime.scriptrunner import script_runner

    return getattr(getattr(script_runner, "_clean_problem_modules", None), "reclens_guard", False)


def install() -> None:
    """Replace Streamlit's per-run clean-up (idempotent; a no-op if Streamlit no longer has it)."""
    from streamlit.runtime.scriptrunner import script_runner

    if not hasattr(script_runner, "_clean_problem_modules"):
        log.warning("streamlit no longer has _clean_problem_modules; the Keras guard is not needed or must change")
        return
    script_runner._clean_problem_modules = _clean_without_keras
