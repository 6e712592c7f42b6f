"""AppTest of the Explain page: progress while explaining, the background warm-up, the downloads
and the "why not?" flow (any catalogue item: its rank, the gap and what holds it down)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from recsys.explain import explain_item
from recsys.train import list_runs
from recsys.ui.session import runs, state
from recsys.ui.views import explain_view, why_not_view
from tests.ui.test_pages import assert_clean, open_page, table
from tests.ui.trained import Trained


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """File name -> bytes of every download button the page creates."""
    files: dict = {}
    real = MediaFileManager.add

    def add(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            files[file_name] = data
        return real(self, data, mimetype, coordinates, file_name=file_name,
                    is_for_static_download=is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return files


def test_the_explanation_shows_its_steps_and_downloads(run_app: AppTest, app_run: Trained, downloads, monkeypatch):
    steps = []
    real = explain_view.explain_item

    def recorded(*args, progress=None, **kwargs):
        return real(*args, progress=lambda step, done, total: steps.append((step, done, total)) or progress(
            step, done, total), **kwargs)

    monkeypatch.setattr(explain_view, "explain_item", recorded)
    at = open_page(run_app, "explain")
    assert_clean(at)
    # The explanation reported each step to the status box, then the box was removed.
    assert [s[0] for s in steps] == ["attention maps", "SHAP values of the history items",
                                     "SHAP values of the side features", "counterfactual",
                                     "rank and gap to the top-K", "faithfulness (deletion curves)",
                                     "plain-language reason", "done"]
    assert steps[-1][1:] == (7, 7) and not at.status
    # Loading the run started the warm-up in the background.
    job = runs.warm_up_job(list_runs(app_run.workspace)[0]["path"])
    assert job.wait(timeout=300) and job.error is None and job.timings_ms["total"] > 0

    labels = [b.label for b in at.download_button]
    assert "Download the explanation (JSON)" in labels and "Download the explanation (CSV)" in labels
    user, item = at.session_state[state.USER], at.selectbox(key=state.EXPLAIN_ITEM).value
    doc = json.loads(next(v for k, v in downloads.items() if k.endswith(".json")))
    assert doc["user"] == user and doc["item"]["rank"] == 1 and item.startswith("1. ")
    assert sum(h["shap"] for h in doc["history"]) + doc["base_value"] == pytest.approx(doc["score"], abs=1e-4)
    rows = list(csv.DictReader(io.StringIO(next(v for k, v in downloads.items() if k.endswith(".csv")).decode())))
    assert {"summary", "history", "side feature", "counterfactual", "rank", "faithfulness"} <= {r["section"] for r in rows}
    assert [r["value"] for r in rows if r["name"] == "reason"] == [doc["reason"]]


def test_why_not_any_item(run_app: AppTest):
    at = open_page(run_app, "explain")
    at.radio(key=state.EXPLAIN_MODE).set_value(why_not_view.ANY_ITEM).run()
    assert_clean(at)
    picker = at.selectbox(key=state.WHY_NOT_ITEM)
    run, recommender = runs.load_cached(at.session_state[state.RUN_PATH])
    dataset, user_id = run.dataset, at.session_state[state.USER]
    user = dataset.user_encoder.transform([user_id])
    assert len(picker.options) == dataset.n_items - len(recommender.seen(user)[0])  # all but the history
    # The item the model likes least for this user: far below the top 10.
    items, _ = recommender.recommend_indices(user, k=dataset.n_items)
    last = str(dataset.item_encoder.inverse_transform([items[0][items[0] >= 0][-1]])[0])
    picker.set_value(last).run()
    assert_clean(at)
    expected = explain_item(recommender, dataset, run.model_config, user_id, item_id=last, k=10)
    w = expected.why_not
    assert at.info[0].value.startswith(f"Ranked {w.rank:,}, outside your top 10")
    why = next(m.value for m in at.markdown if m.value.startswith("**Why not higher?**"))
    assert f"ranks {w.rank:,} for this user" in why and "below that of rank 10" in why
    counterfactual = next(m.value for m in at.markdown if m.value.startswith("**Counterfactual.**"))
    assert ("rise from rank" in counterfactual) if expected.counterfactual.found else ("still outside" in counterfactual
                                                                                       or "holds" in counterfactual)
    if len(w.holding_down):
        holding = table(at, "why_not_holding")
        assert list(holding.columns) == ["title", "item id", "SHAP value", "rank without it"]
        assert list(holding["rank without it"]) == list(w.holding_down["rank_without"])
        assert (holding["SHAP value"] < 0).all()
    assert len(at.get("plotly_chart")) == 7  # attention, SHAP and deletion charts, as for a top-10 item
