"""AppTest of the graph views: the LightGCN map on the Model page and "users like you also chose"
on the Explain page (tiny demo run trained through the Train page, see ``tests/ui/trained.py``)."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from recsys.graph import GRAPH_FILE
from recsys.train import list_runs
from recsys.ui.pages import page_path
from recsys.ui.session import state
from recsys.ui.session.runs import WORKSPACE_ENV
from recsys.ui.views import graph_view
from tests.ui.helpers import APP
from tests.ui.trained import Trained


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def test_app_runs_keep_their_lightgcn_vectors(app_run: Trained):
    run = list_runs(app_run.workspace)[0]["path"]
    saved = graph_view.load_graph_vectors(run)
    assert saved["user_vectors"].shape[0] == 1000 and saved["item_vectors"].shape[0] == 1500


def test_model_page_maps_the_graph_embeddings(run_app: AppTest):
    at = run_app.switch_page(page_path("model")).run()
    assert_clean(at)
    assert "Graph embeddings (LightGCN)" in subheaders(at)
    assert "Text vectors" in subheaders(at)
    charts = len(at.get("plotly_chart"))
    assert at.radio(key=state.GRAPH_MAP_KIND).value == "items"
    assert any("LightGCN vector" in c.value for c in at.caption)
    at.radio(key=state.GRAPH_MAP_KIND).set_value("users").run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == charts
    assert any("colour is the user's gender" in c.value for c in at.caption)


def test_explain_page_shows_users_like_you(run_app: AppTest):
    at = run_app.switch_page(page_path("explain")).run()
    assert_clean(at)
    assert "Users like you also chose this" in subheaders(at)
    radio = at.radio(key=state.SIMILAR_BASIS)
    assert radio.options == [graph_view.BASIS_LABELS[b] for b in ("graph", "cosine", "pearson")]
    board = at.get_by_key("similar_users").dataframe[0].value
    assert 1 <= len(board) <= 5 and board["similarity"].is_monotonic_decreasing
    assert any(m.value.startswith("Users like you also chose") for m in at.markdown)
    radio.set_value("cosine").run()
    assert_clean(at)
    cosine = at.get_by_key("similar_users").dataframe[0].value
    assert cosine["similarity"].between(0, 1).all() and (cosine["items in common with you"] > 0).all()


def test_a_run_without_graph_vectors_offers_to_fit_them(app_run: Trained, tmp_path, monkeypatch):
    source = list_runs(app_run.workspace)[0]["path"]
    workspace = tmp_path / "ws"
    shutil.copytree(source, workspace / "run-without-graph")
    (workspace / "run-without-graph" / GRAPH_FILE).unlink()
    monkeypatch.setenv(WORKSPACE_ENV, str(workspace))
    monkeypatch.setattr(graph_view, "FIT_EPOCHS", 2)  # a couple of epochs are enough for the map
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at = at.switch_page(page_path("explain")).run()
    assert_clean(at)
    assert at.radio(key=state.SIMILAR_BASIS).options == [graph_view.BASIS_LABELS[b] for b in ("cosine", "pearson")]
    at = at.switch_page(page_path("model")).run()
    assert_clean(at)
    assert any("no LightGCN vectors" in i.value for i in at.info)
    at.button(key=state.GRAPH_FIT).click().run()
    assert_clean(at)
    assert any("fitted on this run's interactions" in c.value for c in at.caption)


@pytest.mark.slow
def test_train_page_graph_toggle_feeds_lightgcn_vectors_to_the_transformer(app: AppTest):
    from recsys.train import load_run
    from recsys.ui.session.loading import Source
    from tests.ui.helpers import make_interactions_csv
    from tests.ui.trained import train_on_page

    app.session_state[state.SOURCES] = {"interactions": Source("small.csv", make_interactions_csv())}
    at = app.switch_page(page_path("train")).run()
    assert at.toggle(key=state.TRAIN["use_graph"]).value is False  # off by default
    at.toggle(key=state.TRAIN["use_graph"]).set_value(True)
    assert at.toggle(key=state.TRAIN["target_attention"]).value is True  # the tiny settings turn it on
    at.toggle(key=state.TRAIN["target_attention"]).set_value(False)
    train_on_page(at, poll_seconds=0.5)
    assert_clean(at)
    job = at.session_state[state.TRAIN_JOB]
    assert job.status == "done" and job.settings.use_graph
    run = load_run(job.run_path)
    assert run.model_config.use_graph and run.tables.user_graph.shape[0] == run.dataset.n_users + 1
    assert {"graph_projection", "graph_user_projection"} <= {layer.name for layer in run.model.layers}
    assert not run.model_config.target_attention  # the toggle reaches the model
    assert "target_attention" not in {layer.name for layer in run.model.layers}
    at.switch_page(page_path("recommend")).run()
    assert_clean(at)
