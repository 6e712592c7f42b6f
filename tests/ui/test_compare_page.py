"""AppTest over the Train page's "Compare runs" section: two runs of the demo data (copies of the
tiny demo run, the second with other recorded settings and metrics) side by side."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from recsys.train import list_runs
from recsys.ui.session import state
from recsys.ui.session.runs import WORKSPACE_ENV
from recsys.ui.views import compare_view
from tests.ui.helpers import APP
from tests.ui.test_fairness_page import _figure
from tests.ui.test_pages import assert_clean, open_page, table
from tests.ui.trained import Trained


@pytest.fixture
def two_runs(app_run: Trained, tmp_path, monkeypatch):
    """Run "old" (the demo run as saved, created earlier) and run "new": dim 32 recorded, its
    Transformer's test NDCG@10 0.05 higher, precision@10 not recorded (as in older runs)."""
    source = list_runs(app_run.workspace)[0]["path"]
    workspace = tmp_path / "ws"
    old, new = workspace / "old", workspace / "new"
    shutil.copytree(source, old)
    shutil.copytree(source, new)
    record = json.loads((old / "run.json").read_text())
    record["created"] = "2000-01-01 00:00:00"
    (old / "run.json").write_text(json.dumps(record))
    sasrec = record["metrics"]["models"]["sasrec"]["test"]
    record["created"] = "2099-01-01 00:00:00"
    record["model_config"]["dim"] = 32
    record["metrics"]["models"]["sasrec"]["test"] = {**sasrec, "ndcg@10": sasrec["ndcg@10"] + 0.05}
    del record["metrics"]["models"]["sasrec"]["test"]["precision@10"]
    (new / "run.json").write_text(json.dumps(record))
    monkeypatch.setenv(WORKSPACE_ENV, str(workspace))
    return str(old), str(new), sasrec


def test_one_run_asks_for_a_second(run_app: AppTest):
    at = open_page(run_app, "train")
    assert_clean(at)
    assert compare_view.ONE_RUN in [c.value for c in at.caption]


def test_two_runs_side_by_side(two_runs):
    old, new, sasrec = two_runs
    at = open_page(AppTest.from_file(str(APP), default_timeout=120).run(), "train")
    assert_clean(at)
    at.selectbox(key=state.COMPARE_A).set_value(old)
    at.selectbox(key=state.COMPARE_B).set_value(new).run()
    assert_clean(at)

    settings = table(at, "compare_settings").set_index("setting")
    assert settings.loc["dim", "run A"] == "16" and settings.loc["dim", "run B"] == "32"
    assert "heads" not in settings.index  # shared settings are hidden until asked for
    at.toggle(key=state.COMPARE_ALL_SETTINGS).set_value(True).run()
    assert "heads" in table(at, "compare_settings")["setting"].tolist()

    metrics = table(at, "compare_metrics").set_index(["model", "metric"])
    ndcg = metrics.loc[("Transformer", "NDCG@10")]
    assert ndcg["run A"] == pytest.approx(sasrec["ndcg@10"])
    assert ndcg["difference"] == pytest.approx(0.05)  # B - A
    assert metrics.loc[("Transformer", "HR@10"), "difference"] == 0.0
    assert metrics.loc[("EASE", "NDCG@10"), "difference"] == 0.0
    assert metrics.loc[("Transformer", "Precision@10"), "run B"] != metrics.loc[("Transformer", "Precision@10"),
                                                                                 "run B"]  # NaN: shown as –
    assert {m for m, _ in metrics.index} == {"Transformer", "EASE", "LightGCN (graph)", "ItemKNN", "UserKNN",
                                            "MostPopular"}

    curves = _figure(at, "compare_curves")
    lines = [t for t in curves.data if t.showlegend is not False]
    assert [t.name for t in lines] == ["run A", "run B"]
    recorded = [row["valid_ndcg@10"] for row in json.loads((Path(old) / "run.json").read_text())["curve"]]
    assert list(lines[0].y) == pytest.approx(recorded)  # validation NDCG@10 per epoch, as saved

    user = at.selectbox(key=state.COMPARE_USER).options[0]
    at.selectbox(key=state.COMPARE_USER).set_value(user).run()
    assert_clean(at)
    top_a, top_b = table(at, "compare_top_a"), table(at, "compare_top_b")
    assert len(top_a) == compare_view.K and list(top_a["title"]) == list(top_b["title"])  # the same weights
    assert (top_a["other rank"] == top_a["rank"]).all()
    assert any(c.value.startswith(f"{compare_view.K} of the items are in both lists") for c in at.caption)


def test_the_same_run_twice_is_a_plain_message(two_runs):
    old, _, _ = two_runs
    at = open_page(AppTest.from_file(str(APP), default_timeout=120).run(), "train")
    at.selectbox(key=state.COMPARE_A).set_value(old)
    at.selectbox(key=state.COMPARE_B).set_value(old).run()
    assert_clean(at)
    assert [i.value for i in at.info] == [compare_view.SAME_RUN]
