"""A first visit on the bundled demo data opens on the bundled demo run (``assets/demo/run``):
the Recommend page shows its recommendations and names it in the run picker; an upload never
sees it."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from recsys.evaluate.demo_run import DEMO_RUN
from recsys.ui.pages import page_path
from recsys.ui.session import state
from recsys.ui.session.runs import BUNDLED_ENV, NO_RUN, runs_for
from tests.ui.helpers import APP


@pytest.mark.slow
def test_a_first_visit_on_the_demo_data_opens_on_the_bundled_run(monkeypatch):
    monkeypatch.setenv(BUNDLED_ENV, "1")  # as a user's server has it (the fixtures turn it off)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page(page_path("recommend")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert NO_RUN not in [i.value for i in at.info]
    picker = at.selectbox(key=state.RUN_SELECT)
    assert picker.value == str(DEMO_RUN)
    assert "bundled with RecLens" in picker.format_func(picker.value)
    assert at.dataframe, "no recommendations shown"


def test_the_bundled_run_is_never_listed_for_an_upload_or_when_turned_off(monkeypatch):
    monkeypatch.setenv(BUNDLED_ENV, "1")
    demo = {"users": 1000, "items": 1500, "interactions": 1}
    assert [r for r in runs_for("some upload's fingerprint", demo=None) if r["bundled"]] == []
    key = json.loads((DEMO_RUN / "run.json").read_text())["info"]["data_key"]
    assert [r["bundled"] for r in runs_for(key, demo=demo)] == [True]
    monkeypatch.setenv(BUNDLED_ENV, "0")
    assert runs_for(key, demo=demo) == []
