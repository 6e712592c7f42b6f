"""Sessions are isolated: a session lists only the runs of its own files (trained in the app or
from the CLI), and only the session that started a training can cancel it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from recsys.cli import main
from recsys.data.fingerprint import fingerprint_files
from recsys.ui.session import state, training
from recsys.ui.session.loading import Source, Sources, load_sources
from recsys.ui.session.runs import NO_RUN, data_key, workspace
from recsys.ui.session.training import TrainJob, TrainSettings
from recsys.ui.views.train_view import OTHER_SESSION
from tests.ui.helpers import APP, make_interactions_csv

SMALL = ["--epochs", "1", "--dim", "16", "--max-len", "10", "--blocks", "1", "--batch-size", "32", "--no-text"]
READY = "trained run of this data is ready"


def session(sources: dict | None = None) -> AppTest:
    """A new browser session (Home page), with these files uploaded (else the demo data)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    if sources is not None:
        at.session_state[state.SOURCES] = sources
    return at.run()


def open_page(at: AppTest, name: str) -> AppTest:
    return at.switch_page(f"app_pages/{name}.py").run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_the_cli_and_the_app_fingerprint_the_same_files_alike(tmp_path, interactions_csv, items_csv):
    (tmp_path / "ratings.csv").write_bytes(interactions_csv)
    (tmp_path / "catalogue.csv").write_bytes(items_csv)
    outcome = load_sources(Sources(Source("ratings.csv", interactions_csv), Source("catalogue.csv", items_csv)))
    assert outcome.ok
    assert data_key(outcome) == fingerprint_files(tmp_path / "ratings.csv", items=tmp_path / "catalogue.csv")


@pytest.mark.slow
def test_a_cli_run_is_listed_only_for_sessions_holding_its_files(tmp_path, interactions_csv):
    (tmp_path / "ratings.csv").write_bytes(interactions_csv)
    assert main(["train", "--interactions", str(tmp_path / "ratings.csv"), "--out", str(workspace() / "cli"),
                 *SMALL]) == 0

    other = session({"interactions": Source("ratings.csv", make_interactions_csv(n_users=14))})  # same name
    assert_clean(other)
    assert not any(READY in m.value for m in other.markdown)
    open_page(other, "train")
    assert not [box for box in other.selectbox if box.key == state.RUN_SELECT]  # no run picker at all
    assert any("No run of this data yet" in i.value for i in other.info)
    open_page(other, "recommend")
    assert [i.value for i in other.info] == [NO_RUN] and not other.get("plotly_chart")

    mine = session({"interactions": Source("ratings.csv", interactions_csv)})  # the very file the CLI read
    assert any(READY in m.value for m in mine.markdown)
    open_page(mine, "recommend")
    assert_clean(mine)
    assert mine.session_state[state.RUN_PATH] == str(workspace() / "cli")


def test_another_session_on_the_demo_data_follows_a_training_read_only(monkeypatch):
    # Everyone shares the bundled demo files, so every demo session finds a training running on them.
    # A job owned by another session (no thread needed to show it) is registered as running.
    demo = session()
    key = data_key(demo.session_state[state.LOADED])
    job = TrainJob(TrainSettings(), "demo data", workspace(), data_key=key, owner="another session's token")
    monkeypatch.setitem(training._ACTIVE, key, job)
    other = open_page(demo, "train")
    assert_clean(other)
    assert other.session_state[state.TRAIN_JOB] is job and len(other.progress) == 1  # read-only progress
    assert OTHER_SESSION in [c.value for c in other.caption]
    assert "Cancel training" not in [b.label for b in other.button]
    assert other.button(key=state.TRAIN_SUBMIT).disabled  # nor can it start a second one on the same data
    assert not job.cancel.is_set()
    job.status = "done"
