"""AppTest over the Train, Recommend, Explain and Model pages on the demo data.

The tiny demo run is trained once by pressing Train on the Train page (``tests/ui/trained.py``);
the other pages are opened in new sessions whose workspace holds that run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from recsys.recommend import Recommender
from recsys.text import TfidfTextEncoder, embed_items
from recsys.train import list_runs, load_run
from recsys.ui.pages import page_path
from recsys.ui.session import state
from recsys.ui.session.loading import Source
from recsys.ui.session.runs import NO_RUN
from recsys.ui.session.training import CANCELLED_EARLY
from recsys.ui.views import recommend_view
from recsys.ui.views.model_view import ID_EMBEDDING
from recsys.ui.views.train_view import OTHER_SESSION
from recsys.ui.views.users import UNKNOWN_USER
from tests.ui.helpers import APP, make_interactions_csv, unescape
from tests.ui.trained import Trained, train_on_page


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def table(at: AppTest, key: str) -> pd.DataFrame:
    """The table inside the container keyed ``key`` (tables sit in keyed containers)."""
    return at.get_by_key(key).dataframe[0].value


def open_page(at: AppTest, name: str) -> AppTest:
    return at.switch_page(page_path(name)).run()


# ---------------------------------------------------------------- no run yet


@pytest.mark.parametrize("name", ["recommend", "explain", "model"])
def test_pages_without_a_run_point_to_the_train_page(app: AppTest, name):
    open_page(app, name)
    assert not app.exception
    assert [i.value for i in app.info] == [NO_RUN]
    assert not app.get("plotly_chart")


# ---------------------------------------------------------------- train


def test_train_page_trains_with_live_progress_and_shows_the_leaderboard(app_run: Trained):
    at = app_run.app
    assert_clean(at)
    polls = app_run.polls
    assert polls, "the page was never re-run while training"
    assert not any(p["exceptions"] for p in polls)
    assert any(p["progress"] is not None for p in polls), "no progress bar while training"
    shown = [p["progress"] for p in polls if p["progress"] is not None]
    assert shown == sorted(shown) and 0 <= shown[0] and shown[-1] <= 100, shown  # percent, never backwards
    assert any("Cancel training" in p["buttons"] for p in polls), "no cancel button while training"
    # The page answered while the thread trained: several polls during one training run.
    assert len(polls) >= 3

    runs = list_runs(app_run.workspace)
    assert len(runs) == 1 and runs[0]["dataset"]["name"] == "demo data"
    assert at.success and "saved in the workspace" in at.success[0].value
    board = table(at, "leaderboard")
    assert set(board["model"]) == {"Transformer (this run)", "EASE", "LightGCN (graph)", "ItemKNN", "UserKNN",
                                   "MostPopular"}
    assert board["NDCG@10"].is_monotonic_decreasing and board["NDCG@10"].between(0, 1).all()
    protocol = " ".join(unescape(m.value) for m in at.markdown)
    assert "leave-last-out" in protocol and "all items ranked" in protocol
    assert len(at.get("plotly_chart")) == 2  # loss and validation NDCG@10 of the run
    run = load_run(runs[0]["path"])
    assert run.model_config.dim == 16 and len(run.curve) == 1  # the tiny defaults were used


def test_a_new_session_finds_the_saved_run(run_app: AppTest, app_run: Trained):
    # A page reload is a new session: the run is on disk and is picked without training again.
    assert_clean(run_app)
    assert any("trained run of this data is ready" in m.value for m in run_app.markdown)
    open_page(run_app, "train")
    assert_clean(run_app)
    assert run_app.selectbox(key=state.RUN_SELECT).value == list_runs(app_run.workspace)[0]["path"]
    board, trained = table(run_app, "leaderboard"), table(app_run.app, "leaderboard")
    assert list(board["model"]) == list(trained["model"])  # the same leaderboard, read from the saved run
    np.testing.assert_allclose(board["NDCG@10"], trained["NDCG@10"])


@pytest.mark.slow
def test_a_reloaded_page_follows_the_training_and_cancel_stops_it(app: AppTest):
    # Many epochs on a small upload. A reload (a new session with the same file) shows the same
    # training in progress, read-only: only the session that started it can cancel it (or skip the
    # baselines), and cancelling it right away stops the thread, which says so.
    sources = {"interactions": Source("small.csv", make_interactions_csv())}
    app.session_state[state.SOURCES] = sources
    open_page(app, "train")
    app.number_input(key=state.TRAIN["epochs"]).set_value(100)
    app.button(key=state.TRAIN_SUBMIT).click().run()
    job = app.session_state[state.TRAIN_JOB]

    reloaded = AppTest.from_file(str(APP), default_timeout=60)
    reloaded.session_state[state.SOURCES] = sources
    reloaded.run()
    open_page(reloaded, "train")
    assert not reloaded.exception
    assert reloaded.session_state[state.TRAIN_JOB] is job and len(reloaded.progress) == 1
    assert "Cancel training" not in [b.label for b in reloaded.button]  # not its training to cancel
    assert OTHER_SESSION in [c.value for c in reloaded.caption]
    assert reloaded.run().session_state[state.TRAIN_JOB] is job and not job.cancel.is_set()

    app.button(key=state.SKIP_BASELINES).click().run()
    assert job.skip.is_set() and not job.cancel.is_set()
    app.button(key=state.CANCEL).click().run()
    assert job.cancel.is_set()
    job.thread.join(timeout=120)
    app.run()
    assert not app.exception
    assert job.status == "cancelled" and len(job.epochs) <= 1
    shown = [w.value for w in app.warning]
    assert shown and (shown[0] == CANCELLED_EARLY or "cancelled after" in shown[0])


@pytest.mark.slow
def test_an_interactions_only_upload_trains_recommends_and_explains(app: AppTest):
    # No items or users file: no titles, no side features (the explanation must still work).
    app.session_state[state.SOURCES] = {"interactions": Source("small.csv", make_interactions_csv())}
    open_page(app, "train")
    train_on_page(app, poll_seconds=0.5)
    assert_clean(app)
    assert "Transformer (this run)" in set(table(app, "leaderboard")["model"])
    open_page(app, "recommend")
    assert_clean(app)
    assert len(table(app, "recommendations")) == 4  # 10 items, 6 of them in each user's history
    open_page(app, "explain")
    assert_clean(app)
    assert app.info[0].value.startswith(("Because", "No single"))
    assert "This run has no side features" in [i.value for i in app.info][-1]


# ---------------------------------------------------------------- recommend


@pytest.fixture
def recommend(run_app: AppTest) -> AppTest:
    return open_page(run_app, "recommend")


def test_recommend_shows_history_and_top_k_for_a_chosen_user(recommend: AppTest, app_run: Trained):
    assert_clean(recommend)
    run = load_run(list_runs(app_run.workspace)[0]["path"])
    user = run.dataset.user_encoder.to_list()[4]
    recommend.selectbox(key=state.USER_SELECT).set_value(user).run()
    assert_clean(recommend)
    assert f"History of user {user}" in [unescape(s.value) for s in recommend.subheader]
    top = table(recommend, "recommendations")
    assert list(top["rank"]) == list(range(1, 11))
    assert top["score"].is_monotonic_decreasing
    seen = set(run.dataset.interactions.query("user == @user")["item"])
    expected = Recommender.from_run(run).recommend(run.dataset, user, 10)
    assert list(top["title"]) == list(expected["title"])
    assert not seen & set(expected["item_id"].astype(str))
    assert len(recommend.get("plotly_chart")) == 1  # the history timeline
    assert recommend.session_state[state.USER] == user


def test_what_if_removal_changes_the_recommendations(recommend: AppTest):
    before = table(recommend, "recommendations")
    options = recommend.multiselect(key=state.WHATIF_REMOVE).options
    recommend.multiselect(key=state.WHATIF_REMOVE).set_value(options[:5]).run()  # the 5 most recent items
    assert_clean(recommend)
    after = table(recommend, "whatif_after")
    assert len(after) == 10
    assert not np.allclose(after["score"].to_numpy(), before["score"].to_numpy())
    assert (after["change"] != "=").any()
    assert any("recommendations are new with this history" in m.value for m in recommend.markdown)


def test_typed_user_ids(recommend: AppTest, app_run: Trained):
    recommend.text_input(key=state.USER_TEXT).input("no-such-user").run()
    assert not recommend.exception
    ids = load_run(list_runs(app_run.workspace)[0]["path"]).dataset.user_encoder.to_list()
    message = UNKNOWN_USER.format(user="no-such-user", n=len(ids), examples=", ".join(ids[:3]))
    assert [unescape(e.value) for e in recommend.error] == [message]
    assert not recommend.get("plotly_chart")  # nothing is shown for a user that does not exist

    recommend.text_input(key=state.USER_TEXT).input(ids[7]).run()
    assert_clean(recommend)
    assert recommend.session_state[state.USER] == ids[7]
    assert recommend.selectbox(key=state.USER_SELECT).value == ids[7]


def test_download_and_free_text(recommend: AppTest, monkeypatch):
    assert len(recommend.download_button) == 1
    # The free-text search with the TF-IDF encoder (fast; the pretrained one is tested in tests/text).
    fast = lambda path, dataset: embed_items(dataset, encoder=TfidfTextEncoder(reason="test"))
    monkeypatch.setattr(recommend_view, "item_text_vectors", fast)
    recommend.text_input(key=state.TASTE_TEXT).input("space adventures in orbit").run()
    assert_clean(recommend)
    matches, recommended = table(recommend, "text_matches"), table(recommend, "text_recommendations")
    assert len(matches) == 5 and len(recommended) == 10
    assert not set(matches["title"]) & set(recommended["title"])


# ---------------------------------------------------------------- explain and model


def test_explain_shows_the_reason_and_the_charts(run_app: AppTest):
    at = open_page(run_app, "explain")
    assert_clean(at)
    options = at.selectbox(key=state.EXPLAIN_ITEM).options
    assert len(options) == 10 and options[0].startswith("1. ")
    at.selectbox(key=state.EXPLAIN_ITEM).select_index(2).run()
    assert_clean(at)
    assert at.info and (at.info[0].value.startswith("Because") or at.info[0].value.startswith("No single"))
    assert any(m.value.startswith("**Counterfactual.**") for m in at.markdown)
    assert len(at.get("plotly_chart")) == 7  # heatmap, target bars, 2 SHAP bars, 2 waterfalls, deletion curves
    assert {"SHAP", "attention"} <= {r for r in table(at, "eraser")["explanation"]}
    at.selectbox(key=state.ATTENTION_HEAD).select_index(1).run()  # head 1 instead of the mean
    assert_clean(at)


def test_model_page_lists_the_layers_by_stage(run_app: AppTest):
    at = open_page(run_app, "model")
    assert_clean(at)
    embedding = set(table(at, "layers_embedding")["layer"])
    interaction = set(table(at, "layers_interaction")["layer"])
    output = set(table(at, "layers_output")["layer"])
    assert {"item_embedding", "position_embedding", "history_embedding", "candidate_embedding"} <= embedding
    assert {"self_attention_0", "sequence_output", "user_representation", "target_attention"} <= interaction
    assert {"dot_score", "item_bias", "output_mlp", "scores"} <= output
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["embedding size"] == "16" and int(metrics["parameters"].replace(",", "")) > 0
    assert len(at.get("plotly_chart")) == 5  # parameters, embedding map, graph map, loss, NDCG
    at.radio(key=state.EMBEDDING_KIND).set_value(ID_EMBEDDING).run()  # the id embeddings alone
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 5
