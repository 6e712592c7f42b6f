"""The split setting in the app: an upload without timestamps whose rows are sorted by item id is
named on the Data page, the Train form's split defaults to auto and says it will hold out random
items, and the trained run's leaderboard and fairness audit state (and use) the random split."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from recsys.data import rebuild_split
from recsys.train import list_runs, load_run
from recsys.ui.pages import page_path
from recsys.ui.session import state
from recsys.ui.session.loading import Source
from recsys.ui.views.train_form import split_caption
from tests.ui.helpers import unescape


def sorted_csv(n_users: int = 16, n_items: int = 12) -> bytes:
    """``user,item``: user u has 4 to 8 items starting at u (cyclic), rows sorted by user then item id."""
    lines = ["user,item"]
    for u in range(1, n_users + 1):
        lines += [f"u{u},{i}" for i in sorted((u + k) % n_items + 1 for k in range(4 + u % 5))]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def sorted_app(app: AppTest) -> AppTest:
    app.session_state[state.SOURCES] = {"interactions": Source("plays.csv", sorted_csv())}
    return app


def test_data_page_and_train_form_name_the_missing_time_order(sorted_app: AppTest):
    at = sorted_app.switch_page(page_path("data")).run()
    assert not at.exception
    assert any("rows are sorted by item id within each user" in unescape(w.value) for w in at.warning)
    at.switch_page(page_path("train")).run()
    assert not at.exception
    split = at.selectbox(key=state.TRAIN["split"])
    assert split.value == "auto" and split.options == ["auto", "time: last items held out", "random items held out"]
    expected = split_caption("auto", "sorted by item id")
    assert expected and "random interaction per user" in expected
    assert expected in [unescape(c.value) for c in at.caption]
    assert split_caption("auto", "timestamp") is None and split_caption("time", "file") is None
    assert "time split would test each user's last row in file order" in split_caption("time", "sorted by item id")


@pytest.mark.slow
def test_a_run_trained_on_unordered_data_states_and_reuses_its_random_split(sorted_app: AppTest):
    from tests.ui.trained import train_on_page

    at = sorted_app.switch_page(page_path("train")).run()
    train_on_page(at, poll_seconds=0.5)
    assert not at.exception and not at.error
    protocol = " ".join(unescape(m.value) for m in at.markdown)
    assert "random leave-one-out per user" in protocol and "shuffled every epoch" in protocol
    (record,) = list_runs(at.session_state[state.TRAIN_JOB].workspace)
    saved = json.loads(open(f"{record['path']}/run.json").read())
    assert saved["split"]["strategy"] == "random_leave_one_out" and saved["split"]["how"] == "auto"
    assert saved["train_config"]["shuffle_histories"] is True

    at.switch_page(page_path("fairness")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("random leave-one-out per user" in unescape(c.value) for c in at.caption)
    run = load_run(record["path"])
    assert run.split().test.index.equals(rebuild_split(run.dataset.interactions, saved["split"]).test.index)
