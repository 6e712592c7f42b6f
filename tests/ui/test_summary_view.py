"""Explanations across users on the Explain page, the item and text embedding maps on the Model
page, and their figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from recsys.train import save_run
from recsys.ui.charts import embedding_map_figure
from recsys.ui.charts.summary import side_beeswarm_figure, side_importance_figure
from recsys.ui.session import state
from tests.ui.test_pages import assert_clean, open_page, table


def test_explain_page_explains_across_users_on_request(run_app: AppTest):
    at = open_page(run_app, "explain")
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 7  # nothing computed before the button is pressed
    at.number_input(key=state.GLOBAL_USERS).set_value(6)
    at.number_input(key=state.GLOBAL_K).set_value(3).run()
    at.button(key=state.GLOBAL_SUBMIT).click().run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 9  # + mean |SHAP| bars and the beeswarm
    assert any(c.value.startswith("18 recommendations explained: the top-3 of 6 users") for c in at.caption)
    influential = table(at, "global_influential")
    assert len(influential) > 0 and influential["total_shap"].is_monotonic_decreasing
    at.selectbox(key=state.EXPLAIN_ITEM).select_index(1).run()  # another item: the summary stays
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 9


def _maps_script(path: str) -> None:
    from recsys.train import load_run
    from recsys.ui.session.runs import RunPick
    from recsys.ui.views import summary_view

    run = load_run(path)
    summary_view.render_embedding_maps(RunPick(run=run, recommender=run.recommender(), path=path))


@pytest.fixture(scope="module")
def text_run(tmp_path_factory, trained, dataset) -> str:
    """The session's tiny model, which reads item text vectors, saved as a run."""
    return str(save_run(trained, dataset, tmp_path_factory.mktemp("maps") / "run"))


def test_model_page_maps_item_and_text_embeddings(text_run):
    at = AppTest.from_function(_maps_script, args=(text_run,), default_timeout=60).run()
    assert_clean(at)
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    titles = [c.proto.spec for c in charts]
    assert "Item vectors of the model (PCA)" in titles[0] and "Item text vectors (PCA)" in titles[1]
    at.radio(key=state.EMBEDDING_KIND).set_value("full item vector").run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 2


def test_model_page_without_text_vectors_says_so(run_app: AppTest):
    at = open_page(run_app, "model")  # the tiny demo run is trained without text vectors
    assert_clean(at)
    assert any("no item text vectors" in i.value for i in at.info)


def test_embedding_map_hover_shows_titles_as_text():
    points = pd.DataFrame({"x": [0.0, 1.0], "y": [1.0, 0.0], "title": ["<b>Bold</b>", "A & B"],
                           "category": ["Drama", ""]})
    fig = embedding_map_figure(points, np.array([0.6, 0.3]), title="Item text vectors (PCA)")
    hover = [row[0] for trace in fig.data for row in trace.customdata]
    assert sorted(hover) == ["&lt;b&gt;Bold&lt;/b&gt;", "A &amp; B"]
    assert fig.layout.xaxis.title.text == "component 1 (60% of variance)"


def test_side_figures():
    table = pd.DataFrame({"feature": ["text match", "item year"], "mean_abs_shap": [0.5, 0.2],
                          "mean_shap": [0.4, -0.1], "present": [1.0, 0.5]})
    bar = side_importance_figure(table)
    assert list(bar.data[0].x) == [0.5, 0.2]
    values = np.array([[0.3, 0.0], [0.7, -0.2]])
    data = np.array([["item description", "(none)"], ["item description", "+1.20 sd"]], dtype=object)
    swarm = side_beeswarm_figure(values, data, ["text match", "item year"], ["user 1, #1 <i>X</i>", "user 2, #1 Y"],
                                 ["text match", "item year"])
    xs = sorted(float(x) for trace in swarm.data for x in trace.x)
    assert xs == [-0.2, 0.0, 0.3, 0.7]  # one dot per (pair, feature)
    numeric = [t for t in swarm.data if t.marker.showscale]
    assert len(numeric) == 1 and list(numeric[0].marker.color) == [1.2]
    assert "&lt;i&gt;X&lt;/i&gt;" in str(swarm.data[0].customdata)
