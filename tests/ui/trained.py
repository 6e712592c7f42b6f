"""One tiny run on the demo data, trained once per test process by pressing Train on the Train page.

The Recommend, Explain and Model tests and the browser test all use its workspace, so the
model is trained once. ``RECLENS_TINY=1`` gives the form its tiny defaults.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from recsys.ui.pages import page_path
from recsys.ui.session import state
from recsys.ui.session.runs import BUNDLED_ENV, WORKSPACE_ENV
from recsys.ui.session.training import TINY_ENV
from tests.ui.helpers import APP

TRAIN_PAGE = page_path("train")
TIMEOUT_S = 300


@dataclass
class Trained:
    """What training through the page left: the workspace, the app after training, and what the
    page showed while the thread ran (each poll's progress value and button labels)."""

    workspace: Path
    app: AppTest
    polls: list = field(default_factory=list)
    seconds: float = 0.0


_TRAINED: list[Trained] = []


@contextmanager
def app_env(workspace: Path) -> Iterator[None]:
    """The app's environment for training in ``workspace``, restored on exit: the workspace's
    runs only (no bundled demo run: the run trained here is the only one listed) and the Train
    form's tiny defaults."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(WORKSPACE_ENV, str(workspace))
        mp.setenv(BUNDLED_ENV, "0")
        mp.setenv(TINY_ENV, "1")
        yield


def train_on_page(at: AppTest, poll_seconds: float = 1.0) -> list[dict]:
    """Press Train, re-run the page while the thread trains (as the fragment does, at most every
    ``poll_seconds``; at once when the training thread ends), wait for the end.

    Returns:
        One dict per poll: ``progress`` (value or None), ``buttons`` (labels), ``exceptions``.
    """
    at.button(key=state.TRAIN_SUBMIT).click().run()
    job = at.session_state[state.TRAIN_JOB]
    polls, deadline = [], time.monotonic() + TIMEOUT_S
    while job.running and time.monotonic() < deadline:
        polls.append(
            {
                "progress": at.progress[0].value if len(at.progress) else None,
                "buttons": [b.label for b in at.button],
                "exceptions": [e.value for e in at.exception],
            }
        )
        job.thread.join(timeout=min(poll_seconds, max(0.0, deadline - time.monotonic())))
        at.run()
    job.thread.join(timeout=max(1.0, deadline - time.monotonic()))
    assert not job.running, f"training did not finish within {TIMEOUT_S} s"
    at.run()
    return polls


def demo_run() -> Trained:
    """The shared tiny demo run (trained on first use, in this process; the environment is the
    caller's again afterwards: tests open its workspace with their own ``monkeypatch``)."""
    if not _TRAINED:
        workspace = Path(tempfile.mkdtemp(prefix="reclens-workspace-"))
        with app_env(workspace):
            at = AppTest.from_file(str(APP), default_timeout=120)
            at.run()
            at.switch_page(TRAIN_PAGE).run()
            start = time.perf_counter()
            polls = train_on_page(at)
        _TRAINED.append(Trained(workspace, at, polls, time.perf_counter() - start))
    return _TRAINED[0]
